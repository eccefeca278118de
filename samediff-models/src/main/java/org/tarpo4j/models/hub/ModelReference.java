package org.tarpo4j.models.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user names a model by: a local directory, or a Hugging Face hub id with an optional revision
 * ({@code Qwen/Qwen2.5-0.5B-Instruct}, {@code Qwen/Qwen2.5-0.5B-Instruct@main}, {@code org/name@<commit sha>}).
 *
 * <p>An existing path is always a directory reference, so a local folder is never shadowed by a hub id. Anything
 * shaped like {@code namespace/name[@revision]} that does not exist on disk is a hub id; other strings are paths
 * (which then fail to load as "no such directory").
 */
public sealed interface ModelReference permits ModelReference.LocalDirectory, ModelReference.HubRepository {
    /** The branch the hub serves when no revision is given. */
    String DEFAULT_REVISION = "main";

    /** A model directory on this machine. */
    record LocalDirectory(Path path) implements ModelReference {
        @Override
        public String toString() { return path.toString(); }
    }

    /**
     * A model repository on the hub.
     *
     * @param repoId   {@code namespace/name}
     * @param revision a branch, tag or commit sha, or null for {@value #DEFAULT_REVISION}
     */
    record HubRepository(String repoId, String revision) implements ModelReference {
        public HubRepository {
            checkRepoId(repoId);
            if (revision != null) checkRevision(repoId, revision);
        }

        public String revisionOrDefault() { return revision == null ? DEFAULT_REVISION : revision; }

        @Override
        public String toString() { return revision == null ? repoId : repoId + "@" + revision; }
    }

    // namespace/name with the characters the hub allows in ids, then an optional @revision
    Pattern HUB_ID = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)(?:@(.*))?");

    /** Parses what a user typed (a {@code --model} value, a {@code model_path}, a {@code fromPretrained} argument). */
    static ModelReference parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty model reference");
        String t = text.strip();
        if (t.equals("~") || t.startsWith("~/")) {
            return new LocalDirectory(Path.of(System.getProperty("user.home") + t.substring(1)));
        }
        if (t.startsWith("/") || t.startsWith("./") || t.startsWith("../") || t.equals(".") || t.equals("..")) {
            return new LocalDirectory(Path.of(t));
        }
        if (Files.exists(Path.of(t))) return new LocalDirectory(Path.of(t));
        Matcher m = HUB_ID.matcher(t);
        if (m.matches()) {
            String revision = m.group(2);
            if (revision != null && revision.isEmpty()) {
                throw new IllegalArgumentException("'" + t + "': the revision after '@' is empty (e.g. " + m.group(1) + "@main)");
            }
            return new HubRepository(m.group(1), revision);
        }
        return new LocalDirectory(Path.of(t));
    }

    private static void checkRepoId(String repoId) {
        if (repoId == null || !HUB_ID.matcher(repoId).matches() || repoId.contains("@")) {
            throw new IllegalArgumentException("'" + repoId + "' is not a hub id (expected namespace/name)");
        }
        // the hub's own rules, which also keep the id a safe directory name (models--namespace--name)
        if (repoId.contains("--") || repoId.contains("..") || repoId.length() > 96) {
            throw new IllegalArgumentException("'" + repoId + "' is not a valid hub id: '--' and '..' are not allowed and"
                    + " at most 96 characters");
        }
        for (String part : repoId.split("/")) {
            if (part.endsWith(".") || part.endsWith("-")) {
                throw new IllegalArgumentException("'" + repoId + "' is not a valid hub id: a part ends with '.' or '-'");
            }
        }
    }

    private static void checkRevision(String repoId, String revision) {
        // a revision becomes a path under refs/ in the cache, so it must stay inside it
        boolean bad = revision.isBlank() || revision.startsWith("/") || revision.endsWith("/")
                || revision.chars().anyMatch(c -> c < 0x20 || c == '\\' || Character.isWhitespace(c));
        for (String seg : revision.split("/")) bad |= seg.isEmpty() || seg.equals(".") || seg.equals("..");
        if (bad) throw new IllegalArgumentException("'" + repoId + "@" + revision + "': '" + revision + "' is not a valid revision");
    }
}
