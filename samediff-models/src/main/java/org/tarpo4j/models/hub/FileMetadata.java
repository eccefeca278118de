package org.tarpo4j.models.hub;

import java.net.URI;

/**
 * What a {@code HEAD /{repo}/resolve/{commit}/{file}} says about a file, read as {@code huggingface_hub} reads it.
 *
 * @param commit     {@code X-Repo-Commit}
 * @param etag       {@code X-Linked-Etag}, else {@code ETag}, without quotes: the content's sha256 for LFS files, the
 *                   git blob sha1 otherwise; it names the blob in the cache
 * @param size       {@code X-Linked-Size}, else {@code Content-Length}; -1 if neither
 * @param location   where to GET the content: the {@code Location} of a redirect to another host (a CDN), else the
 *                   resolve URL (after redirects within the hub)
 * @param otherHost  true when {@code location} is on another host than the hub: the token is not sent there
 */
record FileMetadata(String commit, String etag, long size, URI location, boolean otherHost) {}
