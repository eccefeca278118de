package org.tarpo4j.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The two hub requests a model download needs, made as {@code huggingface_hub} makes them: the revision endpoint for
 * the commit and its file list, and a {@code HEAD} on each file's resolve URL for its ETag, size and location.
 * Redirects are not followed blindly: one to the same host (a renamed repository) is followed with the token, one to
 * another host (large files on a CDN) ends the HEAD: that answer carries the metadata, its {@code Location} becomes
 * the download location, and the token is not sent there.
 */
final class HubClient {
    static final String USER_AGENT = "tarpo4j/0.1; java/" + Runtime.version().feature();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_HUB_REDIRECTS = 5;

    private final HubSettings settings;
    private final HttpClient http;

    HubClient(HubSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout())
                .build();
    }

    HttpClient http() { return http; }

    HubSettings settings() { return settings; }

    /** The commit {@code revision} points to and its files ({@code GET /api/models/{repo}/revision/{revision}?blobs=true}). */
    RepoRevision revision(String repoId, String revision) throws IOException {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + repoId + "/revision/" + encode(revision) + "?blobs=true");
        HttpResponse<byte[]> r;
        for (int hop = 0; ; hop++) {
            r = send(request(uri, true).GET(), HttpResponse.BodyHandlers.ofByteArray(), repoId, revision, "the file list");
            String location = r.headers().firstValue("Location").orElse(null);
            if (r.statusCode() < 300 || r.statusCode() >= 400 || location == null || hop >= MAX_HUB_REDIRECTS) break;
            URI target = uri.resolve(location);
            if (!sameHost(uri, target)) break;
            uri = target; // a renamed repository
        }
        if (r.statusCode() != 200) throw HubErrors.of(r.statusCode(), r.headers(), repoId, revision, "the file list", settings);
        JsonNode root;
        try {
            root = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new HubException(HubException.Kind.PROTOCOL, uri + ": the answer is not JSON", e);
        }
        String sha = root == null ? "" : root.path("sha").asText("");
        if (!HubCache.COMMIT.matcher(sha).matches()) {
            throw new HubException(HubException.Kind.PROTOCOL, uri + ": no 40-character commit sha in field 'sha'");
        }
        JsonNode siblings = root.path("siblings");
        if (!siblings.isArray()) throw new HubException(HubException.Kind.PROTOCOL, uri + ": no 'siblings' list of files");
        Map<String, RepoRevision.RepoFile> files = new LinkedHashMap<>();
        for (JsonNode s : siblings) {
            String name = s.path("rfilename").asText(null);
            if (name == null) throw new HubException(HubException.Kind.PROTOCOL, uri + ": a sibling has no 'rfilename'");
            JsonNode lfs = s.path("lfs");
            String sha256 = lfs.isObject() ? lfs.path("sha256").asText(null) : null;
            if (sha256 != null && !SHA256.matcher(sha256).matches()) {
                throw new HubException(HubException.Kind.PROTOCOL, uri + ": file " + name + " has an LFS sha256 that is not 64 hex digits");
            }
            long size = lfs.isObject() && lfs.has("size") ? lfs.path("size").asLong(-1) : s.path("size").asLong(-1);
            files.put(name, new RepoRevision.RepoFile(name, size, s.path("blobId").asText(null), sha256));
        }
        return new RepoRevision(sha, files);
    }

    /** {@code HEAD {endpoint}/{repo}/resolve/{commit}/{file}}, redirects within the hub followed. */
    FileMetadata head(String repoId, String commit, String file) throws IOException {
        URI current = resolveUrl(repoId, commit, file);
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = request(current, true).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity"); // the real size, not a compressed one
            HttpResponse<Void> r = send(b, HttpResponse.BodyHandlers.discarding(), repoId, commit, file);
            int status = r.statusCode();
            String location = r.headers().firstValue("Location").orElse(null);
            if (status >= 300 && status < 400 && location != null) {
                URI target = current.resolve(location);
                if (sameHost(current, target) && hop < MAX_HUB_REDIRECTS) {
                    current = target;
                    continue;
                }
                return metadata(r, repoId, commit, file, target, true);
            }
            if (status != 200) throw HubErrors.of(status, r.headers(), repoId, commit, "file " + file, settings);
            return metadata(r, repoId, commit, file, current, false); // still on the hub: the token goes along
        }
    }

    private FileMetadata metadata(HttpResponse<?> r, String repoId, String commit, String file, URI location, boolean otherHost)
            throws HubException {
        var h = r.headers();
        String repoCommit = h.firstValue("X-Repo-Commit").orElse(null);
        if (repoCommit == null) {
            throw new HubException(HubException.Kind.PROTOCOL, r.uri() + ": no X-Repo-Commit header; is "
                    + settings.endpoint() + " a Hugging Face hub (HF_ENDPOINT)?");
        }
        String etag = h.firstValue("X-Linked-Etag").or(() -> h.firstValue("ETag")).map(HubClient::normaliseEtag).orElse(null);
        if (etag == null || etag.isEmpty()) {
            throw new HubException(HubException.Kind.PROTOCOL, r.uri() + ": no ETag, so the file cannot be cached or checked");
        }
        long size = h.firstValue("X-Linked-Size").or(() -> h.firstValue("Content-Length")).map(HubClient::parseLong).orElse(-1L);
        return new FileMetadata(repoCommit, etag, size, location, otherHost);
    }

    /** GETs {@code uri} as a stream from {@code offset} on (a {@code Range} request when it is not 0). */
    HttpResponse<InputStream> get(URI uri, boolean withToken, long offset, String repoId, String file)
            throws IOException {
        HttpRequest.Builder b = request(uri, withToken).GET().header("Accept-Encoding", "identity");
        if (offset > 0) b.header("Range", "bytes=" + offset + "-");
        try {
            // a connection error stays a plain IOException here: the download resumes after it
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while downloading " + file + " of " + repoId);
        }
    }

    URI resolveUrl(String repoId, String commit, String file) {
        StringBuilder path = new StringBuilder();
        for (String part : file.split("/")) path.append('/').append(encode(part));
        return URI.create(settings.endpoint() + "/" + repoId + "/resolve/" + encode(commit) + path);
    }

    private HttpRequest.Builder request(URI uri, boolean withToken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.timeout()).header("User-Agent", USER_AGENT);
        if (withToken && settings.token() != null) b.header("Authorization", "Bearer " + settings.token());
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler, String repoId, String revision,
                                     String what) throws IOException {
        HttpRequest req = b.build();
        try {
            return http.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while fetching " + what + " of " + repoId);
        } catch (IOException e) {
            throw new HubException(HubException.Kind.PROTOCOL, "could not reach " + req.uri().getScheme() + "://" + req.uri().getAuthority()
                    + " for " + what + " of " + repoId + "@" + revision + " (" + e + "); without network, set HF_HUB_OFFLINE=1"
                    + " to use the cache only", e);
        }
    }

    private static boolean sameHost(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort()
                && a.getScheme().equalsIgnoreCase(b.getScheme());
    }

    /** The hub's ETag without the weak prefix and quotes. */
    static String normaliseEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) e = e.substring(2);
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) e = e.substring(1, e.length() - 1);
        return e;
    }

    private static long parseLong(String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
