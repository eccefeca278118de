package org.tarpo4j.models.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub cache, in the layout {@code huggingface_hub} reads and writes, so a cache filled by either is
 * used by the other:
 * <pre>
 * CACHE/models--NAMESPACE--NAME/
 *   refs/REVISION                 the commit sha a branch or tag pointed to when last resolved (no newline)
 *   blobs/ETAG                    file contents, named by the hub's ETag (sha256 for LFS files, git sha1 otherwise)
 *   blobs/ETAG.incomplete         a download in progress, resumed from its length
 *   snapshots/COMMIT/FILE         relative symbolic links into blobs/ (../../blobs/ETAG)
 *   .no_exist/COMMIT/FILE         empty marker: FILE does not exist at COMMIT
 * CACHE/.locks/models--NAMESPACE--NAME/ETAG.lock
 * </pre>
 */
final class HubCache {
    static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    // an ETag names a file in blobs/: nothing that could leave that directory
    private static final Pattern SAFE_ETAG = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    private final Path root;

    HubCache(Path root) {
        this.root = root;
    }

    Path root() { return root; }

    /** {@code models--NAMESPACE--NAME}, the repository's folder. */
    static String folderName(String repoId) {
        return "models--" + repoId.replace("/", "--");
    }

    Path repoDir(String repoId) { return root.resolve(folderName(repoId)); }

    Path snapshotDir(String repoId, String commit) { return repoDir(repoId).resolve("snapshots").resolve(commit); }

    /** The commit a revision stands for in the cache: the revision itself if it is a full sha, else what refs/ says. */
    Optional<String> commitFor(String repoId, String revision) throws IOException {
        if (COMMIT.matcher(revision).matches()) return Optional.of(revision);
        Path ref = repoDir(repoId).resolve("refs").resolve(revision);
        if (!Files.isRegularFile(ref)) return Optional.empty();
        String sha = Files.readString(ref, StandardCharsets.UTF_8).strip();
        if (!COMMIT.matcher(sha).matches()) {
            throw new HubException(HubException.Kind.PROTOCOL, ref + ": expected a 40-character commit sha, found '" + sha + "'");
        }
        return Optional.of(sha);
    }

    /** Records that {@code revision} pointed to {@code commit}; written whole, so a reader never sees half a sha. */
    void writeRef(String repoId, String revision, String commit) throws IOException {
        if (revision.equals(commit)) return;
        Path ref = repoDir(repoId).resolve("refs").resolve(revision);
        if (Files.isRegularFile(ref) && Files.readString(ref, StandardCharsets.UTF_8).strip().equals(commit)) return;
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling("." + ref.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            Files.writeString(tmp, commit, StandardCharsets.UTF_8); // no newline: huggingface_hub reads the file as is
            Files.move(tmp, ref, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    Path blob(String repoId, String etag) throws HubException {
        if (!SAFE_ETAG.matcher(etag).matches() || etag.endsWith(".incomplete") || etag.endsWith(".lock")) {
            throw new HubException(HubException.Kind.PROTOCOL, "the hub sent an ETag that cannot name a cache file: '" + etag + "'");
        }
        return repoDir(repoId).resolve("blobs").resolve(etag);
    }

    static Path incomplete(Path blob) { return blob.resolveSibling(blob.getFileName() + ".incomplete"); }

    Path lockFile(String repoId, String etag) {
        return root.resolve(".locks").resolve(folderName(repoId)).resolve(etag + ".lock");
    }

    boolean knownMissing(String repoId, String commit, String file) {
        return Files.exists(repoDir(repoId).resolve(".no_exist").resolve(commit).resolve(file));
    }

    void markMissing(String repoId, String commit, String file) throws IOException {
        Path marker = repoDir(repoId).resolve(".no_exist").resolve(commit).resolve(file);
        Files.createDirectories(marker.getParent());
        try {
            Files.createFile(marker);
        } catch (FileAlreadyExistsException ignored) {
            // already recorded
        }
    }

    /**
     * Makes {@code snapshots/COMMIT/FILE} point at the blob with a relative link, as {@code huggingface_hub} does (the
     * cache can then be moved as a whole); where links are not possible, a copy.
     */
    Path link(String repoId, String commit, String file, Path blob) throws IOException {
        Path pointer = snapshotDir(repoId, commit).resolve(file);
        Files.createDirectories(pointer.getParent());
        Path target = pointer.getParent().relativize(blob);
        Path tmp = pointer.resolveSibling("." + pointer.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            try {
                Files.createSymbolicLink(tmp, target);
            } catch (UnsupportedOperationException | FileSystemException noLinks) {
                Files.copy(blob, tmp);
            }
            Files.move(tmp, pointer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return pointer;
    }
}
