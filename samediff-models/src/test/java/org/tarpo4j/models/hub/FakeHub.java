package org.tarpo4j.models.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A Hugging Face hub on 127.0.0.1 speaking the protocol {@code huggingface_hub} uses: the revision endpoint with
 * {@code siblings} and LFS metadata, {@code resolve/} URLs answering HEAD with {@code X-Repo-Commit}, an {@code ETag}
 * (git sha1) or, for LFS files, a redirect to a "CDN" path with {@code X-Linked-Etag} (sha256) and
 * {@code X-Linked-Size}; {@code Range} requests; the hub's error codes. Faults can be switched on per file. Every
 * request is recorded.
 */
final class FakeHub implements AutoCloseable {
    /** One recorded request. */
    record Request(String method, String path, String range, String authorization) {}

    /** A repository with one commit, reachable by its sha and by branch names. */
    static final class Repo {
        final String id;
        final String commit;
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final Set<String> lfs = ConcurrentHashMap.newKeySet();
        final Set<String> branches = ConcurrentHashMap.newKeySet();
        String gatedFor; // a token that may read a gated repo, or null when not gated

        Repo(String id, String commit) {
            this.id = id;
            this.commit = commit;
            branches.add("main");
        }

        Repo file(String name, byte[] content, boolean isLfs) {
            files.put(name, content);
            if (isLfs) lfs.add(name);
            return this;
        }

        /** Every file of {@code dir} (safetensors as LFS files, the rest in git). */
        Repo filesOf(Path dir) throws IOException {
            try (var s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) {
                    String name = p.getFileName().toString();
                    file(name, Files.readAllBytes(p), name.endsWith(".safetensors"));
                }
            }
            return this;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Integer> dropAfter = new ConcurrentHashMap<>();      // file -> bytes sent before the connection drops
    private final Map<String, IntPredicate> dropOnRequest = new ConcurrentHashMap<>(); // file -> which content GETs (1-based) drop
    private final Map<String, Integer> stallAfter = new ConcurrentHashMap<>();     // file -> bytes sent before a long pause
    private final Map<String, byte[]> corrupt = new ConcurrentHashMap<>();         // file -> content served instead
    private final Map<String, AtomicInteger> contentGets = new ConcurrentHashMap<>();
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String> renamed = new ConcurrentHashMap<>(); // old id -> new id

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String endpoint() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    /** The "CDN": this server under the name localhost, which resolves to 127.0.0.1 too. */
    String cdnEndpoint() { return "http://localhost:" + server.getAddress().getPort(); }

    Repo repo(String id, String commit) {
        Repo r = new Repo(id, commit);
        repos.put(id, r);
        return r;
    }

    void acceptToken(String token) { validTokens.add(token); }

    /** Requests for {@code oldId} are redirected (307, a relative Location) to {@code newId}, as for a renamed repository. */
    void rename(String oldId, String newId) { renamed.put(oldId, newId); }

    /** The connection drops after {@code bytes} of the file's content on the content GETs {@code which} selects. */
    void dropAfter(String file, int bytes, IntPredicate which) {
        dropAfter.put(file, bytes);
        dropOnRequest.put(file, which);
    }

    /** The first content GET of the file pauses for 10 s after {@code bytes}. */
    void stallAfter(String file, int bytes) { stallAfter.put(file, bytes); }

    void serveCorrupt(String file, byte[] content) { corrupt.put(file, content); }

    void serveCorrectly(String file) { corrupt.remove(file); }

    List<Request> requests() { return List.copyOf(requests); }

    void clearRequests() { requests.clear(); }

    static String sha256(byte[] b) { return hex("SHA-256", null, b); }

    /** git's object id of a blob: sha1 of "blob SIZE\0" and the content. */
    static String gitSha1(byte[] b) { return hex("SHA-1", ("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII), b); }

    private static String hex(String algorithm, byte[] prefix, byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            if (prefix != null) md.update(prefix);
            return HexFormat.of().formatHex(md.digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().toString(), ex.getRequestHeaders().getFirst("Range"),
                ex.getRequestHeaders().getFirst("Authorization")));
        try {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
            if (token != null && !validTokens.contains(token) && !path.startsWith("/cdn/")) {
                error(ex, 401, null, "Invalid credentials in Authorization header");
                return;
            }
            for (Map.Entry<String, String> e : renamed.entrySet()) {
                for (String prefix : new String[]{"/api/models/", "/"}) {
                    if (path.startsWith(prefix + e.getKey() + "/")) {
                        ex.getResponseHeaders().set("Location", prefix + e.getValue() + path.substring(prefix.length() + e.getKey().length())
                                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()));
                        ex.sendResponseHeaders(307, -1);
                        return;
                    }
                }
            }
            if (path.startsWith("/api/models/")) {
                revision(ex, path.substring("/api/models/".length()));
            } else if (path.startsWith("/cdn/")) {
                cdn(ex, path.substring("/cdn/".length()));
            } else {
                resolve(ex, path.substring(1), token);
            }
        } finally {
            ex.close();
        }
    }

    /** {ns}/{name}/revision/{rev} */
    private void revision(HttpExchange ex, String rest) throws IOException {
        String[] p = rest.split("/", 4);
        Repo repo = p.length == 4 && p[2].equals("revision") ? repos.get(p[0] + "/" + p[1]) : null;
        if (repo == null) {
            error(ex, 401, "RepoNotFound", "Repository not found");
            return;
        }
        String rev = URLDecoder.decode(p[3], StandardCharsets.UTF_8);
        if (!rev.equals(repo.commit) && !repo.branches.contains(rev)) {
            error(ex, 404, "RevisionNotFound", "Invalid rev id: " + rev);
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("id", repo.id);
        root.put("sha", repo.commit);
        root.put("gated", repo.gatedFor == null ? "false" : "manual");
        ArrayNode siblings = root.putArray("siblings");
        repo.files.forEach((name, content) -> {
            ObjectNode s = siblings.addObject();
            s.put("rfilename", name);
            if (repo.lfs.contains(name)) {
                String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256(content) + "\nsize " + content.length + "\n";
                byte[] pb = pointer.getBytes(StandardCharsets.UTF_8);
                s.put("size", content.length);
                s.put("blobId", gitSha1(pb));
                ObjectNode lfs = s.putObject("lfs");
                lfs.put("size", content.length);
                lfs.put("sha256", sha256(content));
                lfs.put("pointerSize", pb.length);
            } else {
                s.put("size", content.length);
                s.put("blobId", gitSha1(content));
            }
        });
        byte[] body = JSON.writeValueAsBytes(root);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    /** {ns}/{name}/resolve/{rev}/{file...} */
    private void resolve(HttpExchange ex, String rest, String token) throws IOException {
        String[] p = rest.split("/", 5);
        Repo repo = p.length == 5 && p[2].equals("resolve") ? repos.get(p[0] + "/" + p[1]) : null;
        if (repo == null) {
            error(ex, 401, "RepoNotFound", "Repository not found");
            return;
        }
        String rev = URLDecoder.decode(p[3], StandardCharsets.UTF_8);
        String file = URLDecoder.decode(p[4], StandardCharsets.UTF_8);
        if (!rev.equals(repo.commit) && !repo.branches.contains(rev)) {
            error(ex, 404, "RevisionNotFound", "Invalid rev id: " + rev);
            return;
        }
        ex.getResponseHeaders().set("X-Repo-Commit", repo.commit);
        if (repo.gatedFor != null && !repo.gatedFor.equals(token)) {
            error(ex, 403, "GatedRepo", "Access to model " + repo.id + " is restricted");
            return;
        }
        byte[] content = repo.files.get(file);
        if (content == null) {
            error(ex, 404, "EntryNotFound", "Entry not found");
            return;
        }
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (repo.lfs.contains(file)) {
            String sha = sha256(content);
            ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
            ex.getResponseHeaders().set("X-Linked-Size", String.valueOf(content.length));
            ex.getResponseHeaders().set("ETag", "\"" + gitSha1(new byte[0]) + "\""); // the pointer's, which must not be used
            // another host name for the same loopback server, as the hub sends large files to a CDN host
            ex.getResponseHeaders().set("Location", cdnEndpoint() + "/cdn/" + repo.id + "/" + sha + "/" + file);
            ex.sendResponseHeaders(302, -1);
            return;
        }
        ex.getResponseHeaders().set("ETag", "\"" + gitSha1(content) + "\"");
        if (head) {
            ex.getResponseHeaders().set("Content-Length", String.valueOf(content.length));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        sendContent(ex, file, content);
    }

    /** {ns}/{name}/{sha256}/{file...}: the LFS content, as a CDN serves it. */
    private void cdn(HttpExchange ex, String rest) throws IOException {
        String[] p = rest.split("/", 4);
        Repo repo = p.length == 4 ? repos.get(p[0] + "/" + p[1]) : null;
        String file = p.length == 4 ? URLDecoder.decode(p[3], StandardCharsets.UTF_8) : "";
        byte[] content = repo == null ? null : repo.files.get(file);
        if (content == null || !sha256(content).equals(p[2])) {
            error(ex, 404, null, "no such object");
            return;
        }
        sendContent(ex, file, content);
    }

    private void sendContent(HttpExchange ex, String file, byte[] content) throws IOException {
        byte[] served = corrupt.getOrDefault(file, content);
        int get = contentGets.computeIfAbsent(file, f -> new AtomicInteger()).incrementAndGet();
        long from = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Long.parseLong(range.substring(6, range.length() - 1));
            if (from >= served.length) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + served.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (served.length - 1) + "/" + served.length);
            ex.sendResponseHeaders(206, served.length - from);
        } else {
            ex.sendResponseHeaders(200, served.length);
        }
        OutputStream out = ex.getResponseBody();
        int start = (int) from;
        Integer drop = dropAfter.get(file);
        IntPredicate dropHere = dropOnRequest.get(file);
        if (drop != null && dropHere != null && dropHere.test(get) && start + drop < served.length) {
            out.write(served, start, drop);
            out.flush();
            // an exception out of the handler makes the server close the connection mid-body
            throw new IOException("connection dropped on purpose after " + drop + " bytes of " + file);
        }
        Integer stall = stallAfter.get(file);
        if (stall != null && get == 1 && start + stall < served.length) {
            out.write(served, start, stall);
            out.flush();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("stalled on purpose");
        }
        out.write(served, start, served.length - start);
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        if (code != null) ex.getResponseHeaders().set("X-Error-Code", code);
        ex.getResponseHeaders().set("X-Error-Message", message);
        byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
