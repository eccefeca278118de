package org.tarpo4j.models.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What a downloaded file must be: its size and its checksum. Files stored with git-lfs (the weights) are checked
 * against the sha256 of the hub's LFS metadata, which is also their ETag; small files kept in git directly are checked
 * against their git blob sha1 (the sha1 of {@code "blob <size>\0"} and the content), which is their ETag.
 *
 * @param size      the exact size in bytes, or -1 if unknown
 * @param algorithm {@code SHA-256}, {@code SHA-1} (a git blob) or null (size only)
 * @param expected  the expected digest in lower-case hex, or null
 */
record ContentCheck(long size, String algorithm, String expected) {
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** The check for a file the revision endpoint listed as {@code file} and a HEAD described as {@code meta}. */
    static ContentCheck of(RepoRevision.RepoFile file, FileMetadata meta, String label) throws HubException {
        if (file.isLfs()) {
            if (!file.lfsSha256().equals(meta.etag())) {
                throw new HubException(HubException.Kind.PROTOCOL, label + ": the hub's file list gives sha256 " + file.lfsSha256()
                        + " but its ETag is " + meta.etag() + "; the repository may have changed during the download, try again");
            }
            long size = file.size() >= 0 ? file.size() : meta.size();
            if (file.size() >= 0 && meta.size() >= 0 && file.size() != meta.size()) {
                throw new HubException(HubException.Kind.PROTOCOL, label + ": the hub gives two sizes, " + file.size() + " and " + meta.size());
            }
            return new ContentCheck(size, "SHA-256", file.lfsSha256());
        }
        long size = meta.size() >= 0 ? meta.size() : file.size();
        if (SHA1.matcher(meta.etag()).matches() && size >= 0) return new ContentCheck(size, "SHA-1", meta.etag());
        if (SHA256.matcher(meta.etag()).matches()) return new ContentCheck(size, "SHA-256", meta.etag());
        return new ContentCheck(size, null, null);
    }

    /** Throws (and deletes the file, so the next attempt starts afresh) unless {@code file} has this size and digest. */
    void verify(Path file, String label) throws IOException {
        long actualSize = Files.size(file);
        if (size >= 0 && actualSize != size) {
            Files.deleteIfExists(file);
            throw new HubException(HubException.Kind.INTEGRITY, label + ": downloaded " + actualSize + " bytes but the hub announced "
                    + size + "; the partial file was deleted, run again to download it afresh");
        }
        if (algorithm == null) return;
        String actual = digest(file, algorithm, algorithm.equals("SHA-1") ? actualSize : -1);
        if (!actual.equals(expected)) {
            Files.deleteIfExists(file);
            throw new HubException(HubException.Kind.INTEGRITY, label + ": " + algorithm.toLowerCase(java.util.Locale.ROOT)
                    + " of the downloaded file is " + actual + " but the hub's metadata says " + expected
                    + "; the file is corrupt and was deleted, run again to download it afresh");
        }
    }

    /** The hex digest of a file; for git blobs ({@code gitBlobSize >= 0}) with git's object header first. */
    static String digest(Path file, String algorithm, long gitBlobSize) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (gitBlobSize >= 0) md.update(("blob " + gitBlobSize + "\0").getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
