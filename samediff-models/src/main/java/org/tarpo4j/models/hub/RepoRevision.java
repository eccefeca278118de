package org.tarpo4j.models.hub;

import java.util.Map;

/**
 * A repository at one commit, as the hub's revision endpoint describes it
 * ({@code GET /api/models/{repo}/revision/{revision}?blobs=true}: {@code sha} and {@code siblings}).
 *
 * @param commit the 40-character commit sha the revision resolved to
 * @param files  every file of the commit by its path ({@code rfilename})
 */
record RepoRevision(String commit, Map<String, RepoFile> files) {
    /**
     * One file of the commit.
     *
     * @param size      its size in bytes, or -1 when the hub did not say
     * @param blobId    the git blob sha1 (of the LFS pointer for LFS files), or null
     * @param lfsSha256 the sha256 of the content for files stored with git-lfs, else null
     */
    record RepoFile(String path, long size, String blobId, String lfsSha256) {
        boolean isLfs() { return lfsSha256 != null; }
    }
}
