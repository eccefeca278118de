package org.tarpo4j.models.hub;

import org.tarpo4j.models.io.Checkpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a model reference into a local model directory: the one place where a directory, a hub id and a revision
 * are told apart, the Hugging Face cache is consulted and missing files are downloaded. Every entry point that takes
 * a model ({@code --model}, {@code model_path}, {@code CausalLm.fromPretrained(String)}) goes through here.
 *
 * <p>A hub id is looked up in the cache first: a revision that is a commit sha, or a branch/tag that {@code refs/}
 * maps to a commit, whose snapshot holds the config, complete safetensors weights and the tokenizer (or the
 * knowledge that the repository has none), is used without any request; so a model Python's {@code huggingface_hub}
 * or {@code transformers} downloaded is used as is. Otherwise, unless offline, the revision is resolved on the hub
 * and the missing files are downloaded into the cache in that same layout.
 */
public final class ModelResolver {
    private final HubSettings settings;
    private final HubCache cache;
    private final PrintStream progress;
    private final boolean progressInPlace;

    /**
     * @param progress where the download progress bar goes (stderr on the command line), or null for none
     */
    public ModelResolver(HubSettings settings, PrintStream progress) {
        this(settings, progress, false);
    }

    private ModelResolver(HubSettings settings, PrintStream progress, boolean progressInPlace) {
        this.settings = settings;
        this.cache = new HubCache(settings.cacheDir());
        this.progress = progress;
        this.progressInPlace = progressInPlace;
    }

    /** Settings from the environment, progress on stderr (redrawn in place when it is a terminal). */
    public static ModelResolver fromEnvironment() {
        return new ModelResolver(HubSettings.fromEnvironment(), System.err, System.console() != null);
    }

    public HubSettings settings() { return settings; }

    /** The model directory {@code reference} names (see {@link ModelReference#parse}). */
    public Path resolve(String reference) throws IOException {
        return resolve(ModelReference.parse(reference));
    }

    public Path resolve(ModelReference reference) throws IOException {
        if (reference instanceof ModelReference.LocalDirectory local) {
            if (!Files.exists(local.path())) {
                throw new NoSuchFileException(local.path().toString(), null, "no such model directory (nor is it a hub id of the"
                        + " form namespace/name[@revision])");
            }
            return local.path();
        }
        ModelReference.HubRepository hub = (ModelReference.HubRepository) reference;
        try {
            return resolveHub(hub);
        } catch (HubException e) {
            if (e.kind() != HubException.Kind.REPO_NOT_FOUND) throw e;
            // "runs/x" may have been meant as a directory: say that none exists either
            throw new HubException(e.kind(), e.getMessage() + "; there is no local directory '" + hub.repoId() + "' either", e);
        }
    }

    private Path resolveHub(ModelReference.HubRepository ref) throws IOException {
        String repo = ref.repoId();
        String revision = ref.revisionOrDefault();
        Optional<String> cachedCommit = cache.commitFor(repo, revision);
        if (cachedCommit.isPresent() && usableFromCache(repo, cachedCommit.get())) {
            return cache.snapshotDir(repo, cachedCommit.get());
        }
        if (settings.offline()) throw notCached(ref, cachedCommit);
        return download(ref, revision);
    }

    /** Config and weights complete, and the tokenizer present or known to be absent (offline: config and weights). */
    private boolean usableFromCache(String repo, String commit) throws IOException {
        Path snapshot = cache.snapshotDir(repo, commit);
        if (!ModelFiles.hasConfigAndWeights(snapshot)) return false;
        if (settings.offline()) return true;
        return Files.isRegularFile(snapshot.resolve(ModelFiles.TOKENIZER)) || cache.knownMissing(repo, commit, ModelFiles.TOKENIZER);
    }

    private HubException notCached(ModelReference.HubRepository ref, Optional<String> commit) throws IOException {
        Path repoDir = cache.repoDir(ref.repoId());
        String why;
        if (!Files.isDirectory(repoDir)) {
            why = "nothing of it is in the cache (" + repoDir + ")";
        } else if (commit.isEmpty()) {
            why = "the cache has no refs/" + ref.revisionOrDefault() + " for it (" + repoDir + ")";
        } else {
            why = "its snapshot " + cache.snapshotDir(ref.repoId(), commit.get()) + " lacks config.json or safetensors weights";
        }
        String local = " It is not a local directory either.";
        return new HubException(HubException.Kind.NOT_CACHED, "'" + ref + "': HF_HUB_OFFLINE is set and " + why + "." + local
                + " Download it once without HF_HUB_OFFLINE, or point HF_HUB_CACHE/HF_HOME at the cache that has it.");
    }

    private Path download(ModelReference.HubRepository ref, String revision) throws IOException {
        String repo = ref.repoId();
        HubClient client = new HubClient(settings);
        RepoRevision rev = client.revision(repo, revision);
        String commit = rev.commit();
        cache.writeRef(repo, revision, commit);
        Set<String> files = rev.files().keySet();
        if (!files.contains(ModelFiles.CONFIG)) {
            throw new HubException(HubException.Kind.NOT_LOADABLE, ref + " (commit " + commit + ") has no config.json: not a"
                    + " Hugging Face model repository" + (files.contains("adapter_config.json") ? " (it holds a PEFT adapter;"
                    + " pass its base model as the model and the adapter separately)" : ""));
        }
        SnapshotFetch fetch = new SnapshotFetch(client, cache, rev, repo, new BlobDownload(client, progress, progressInPlace));
        fetch.file(ModelFiles.CONFIG);
        if (files.contains(Checkpoint.INDEX_FILE)) {
            Path index = fetch.file(Checkpoint.INDEX_FILE);
            for (String shard : ModelFiles.shardsOf(index)) {
                if (!files.contains(shard)) {
                    throw new HubException(HubException.Kind.NOT_LOADABLE, ref + ": " + Checkpoint.INDEX_FILE + " names shard "
                            + shard + ", which the repository does not have at commit " + commit);
                }
                fetch.file(shard);
            }
        } else if (files.contains(Checkpoint.SINGLE_FILE)) {
            fetch.file(Checkpoint.SINGLE_FILE);
        } else {
            List<String> other = ModelFiles.otherWeightFormats(files);
            throw new HubException(HubException.Kind.NOT_LOADABLE, ref + " (commit " + commit + ") has no safetensors weights ("
                    + Checkpoint.SINGLE_FILE + " or " + Checkpoint.INDEX_FILE + ")" + (other.isEmpty() ? ""
                    : "; it has only " + other + ", which tarpo4j does not read (pickled PyTorch and other formats). Convert"
                    + " them with transformers (model.save_pretrained(dir, safe_serialization=True)) or pick a repository"
                    + " that publishes safetensors"));
        }
        for (String side : ModelFiles.SIDE_FILES) {
            if (files.contains(side)) fetch.file(side);
            else cache.markMissing(repo, commit, side); // as huggingface_hub records a file the hub does not have
        }
        return cache.snapshotDir(repo, commit);
    }

    /** Fetches files of one commit into its snapshot. */
    private record SnapshotFetch(HubClient client, HubCache cache, RepoRevision rev, String repo, BlobDownload download) {
        Path file(String name) throws IOException {
            String commit = rev.commit();
            Path pointer = cache.snapshotDir(repo, commit).resolve(name);
            if (Files.isRegularFile(pointer)) return pointer; // also follows the link: a dangling one is fetched again
            String label = repo + ": " + name;
            FileMetadata meta = client.head(repo, commit, name);
            if (!meta.commit().equals(commit)) {
                throw new HubException(HubException.Kind.PROTOCOL, label + ": asked for commit " + commit + " but the hub answered for "
                        + meta.commit() + " (X-Repo-Commit)");
            }
            Path blob = cache.blob(repo, meta.etag());
            if (!Files.isRegularFile(blob)) {
                ContentCheck check = ContentCheck.of(rev.files().get(name), meta, label);
                download.fetch(meta, blob, cache.lockFile(repo, meta.etag()), check, repo, name, label);
            }
            return cache.link(repo, commit, name, blob);
        }
    }
}
