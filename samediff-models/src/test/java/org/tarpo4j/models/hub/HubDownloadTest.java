package org.tarpo4j.models.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.DataDirectory;
import org.tarpo4j.models.io.SafeTensorsDType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resolving hub ids against a hub served on 127.0.0.1 ({@link FakeHub}) that holds the shared tiny Llama (a real
 * model and tokenizer): download into the cache layout, resume, checksum, offline use, and the hub's errors.
 */
class HubDownloadTest {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final String REPO = "tiny-org/tiny-llama";
    static final int[] IDS = {1, 450, 4996, 17354, 1701, 432};
    private static final Path TINY = DataDirectory.require("models/tiny-random-llama-ortgenai/hf");

    @TempDir
    Path tmp;
    FakeHub hub;
    ByteArrayOutputStream progress;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        hub.repo(REPO, COMMIT).filesOf(TINY);
        hub.acceptToken("hf_good");
        progress = new ByteArrayOutputStream();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubSettings settings() {
        return new HubSettings(hub.endpoint(), "hf_good", false, tmp.resolve("hub-cache"), Duration.ofSeconds(5));
    }

    private ModelResolver resolver(HubSettings s) {
        return new ModelResolver(s, new PrintStream(progress, true, StandardCharsets.UTF_8));
    }

    private static byte[] tinyFile(String name) throws Exception {
        return Files.readAllBytes(TINY.resolve(name));
    }

    static float[] logits(Path dir) throws Exception {
        try (CausalLm lm = CausalLm.fromPretrained(dir)) {
            INDArray l = lm.logits(IDS);
            return l.dup().data().asFloat();
        }
    }

    private List<FakeHub.Request> contentGets(String file) {
        return hub.requests().stream().filter(r -> r.method().equals("GET") && r.path().endsWith("/" + file)).toList();
    }

    @Test
    void downloadsIntoTheHuggingFaceCacheLayoutAndLoadsTheSameModel() throws Exception {
        Path snapshot = resolver(settings()).resolve(REPO);
        Path repoDir = tmp.resolve("hub-cache/models--tiny-org--tiny-llama");
        assertEquals(repoDir.resolve("snapshots").resolve(COMMIT), snapshot);
        assertEquals(COMMIT, Files.readString(repoDir.resolve("refs/main")), "refs/main holds the sha, no newline");
        // weights named by sha256 (the LFS ETag), git files by their git blob sha1, linked relatively from the snapshot
        String weightsSha = FakeHub.sha256(tinyFile("model.safetensors"));
        String configSha1 = FakeHub.gitSha1(tinyFile("config.json"));
        assertEquals(Path.of("../../blobs/" + weightsSha), Files.readSymbolicLink(snapshot.resolve("model.safetensors")));
        assertEquals(Path.of("../../blobs/" + configSha1), Files.readSymbolicLink(snapshot.resolve("config.json")));
        for (String f : List.of("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            assertArrayEquals(tinyFile(f), Files.readAllBytes(snapshot.resolve(f)), f);
        }
        // absent side files recorded as huggingface_hub records them
        assertTrue(Files.exists(repoDir.resolve(".no_exist").resolve(COMMIT).resolve("generation_config.json")));
        try (Stream<Path> blobs = Files.list(repoDir.resolve("blobs"))) {
            assertFalse(blobs.anyMatch(p -> p.toString().endsWith(".incomplete")));
        }
        assertArrayEquals(logits(TINY), logits(snapshot));

        // the token goes to the hub, not to the CDN that serves large files
        List<FakeHub.Request> reqs = hub.requests();
        assertTrue(reqs.stream().filter(r -> !r.path().startsWith("/cdn/")).allMatch(r -> "Bearer hf_good".equals(r.authorization())), reqs.toString());
        assertTrue(reqs.stream().filter(r -> r.path().startsWith("/cdn/")).allMatch(r -> r.authorization() == null), reqs.toString());
        assertEquals(1, reqs.stream().filter(r -> r.path().startsWith("/api/models/" + REPO + "/revision/main")).count());
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains(REPO + ": model.safetensors ["), progress.toString(StandardCharsets.UTF_8));

        // a second resolve is served by the cache alone
        hub.clearRequests();
        assertEquals(snapshot, resolver(settings()).resolve(REPO + "@main"));
        assertEquals(snapshot, resolver(settings()).resolve(REPO + "@" + COMMIT));
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void downloadsAShardedCheckpointThroughItsIndex() throws Exception {
        Path sharded = tmp.resolve("sharded");
        try (CausalLm lm = CausalLm.fromPretrained(TINY)) {
            lm.save(sharded, SafeTensorsDType.F32, 1_500_000); // the embedding and head are 2 MB each: several shards
        }
        try (Stream<Path> s = Files.list(sharded)) {
            assertTrue(s.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count() >= 2);
        }
        String commit = "fedcba9876543210fedcba9876543210fedcba98";
        hub.repo("tiny-org/sharded", commit).filesOf(sharded);
        Path snapshot = resolver(settings()).resolve("tiny-org/sharded");
        assertEquals(Files.list(sharded).map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                Files.list(snapshot).map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        assertArrayEquals(logits(TINY), logits(snapshot));
    }

    @Test
    void aDroppedConnectionIsResumedWithARangeRequest() throws Exception {
        byte[] weights = tinyFile("model.safetensors");
        hub.dropAfter("model.safetensors", 700_000, get -> get == 1);
        Path snapshot = resolver(settings()).resolve(REPO);
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        List<FakeHub.Request> gets = contentGets("model.safetensors");
        assertEquals(2, gets.size(), gets.toString());
        assertNull(gets.get(0).range());
        long resumedAt = Long.parseLong(gets.get(1).range().replaceAll("bytes=(\\d+)-", "$1"));
        assertTrue(resumedAt > 0 && resumedAt <= 700_000, "resumed at " + resumedAt);
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("connection lost"), progress.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anIncompleteFileLeftByACrashIsContinuedNotRestarted() throws Exception {
        byte[] weights = tinyFile("model.safetensors");
        Path blobs = Files.createDirectories(tmp.resolve("hub-cache/models--tiny-org--tiny-llama/blobs"));
        Path partial = blobs.resolve(FakeHub.sha256(weights) + ".incomplete");
        Files.write(partial, Arrays.copyOf(weights, 1234));
        Path snapshot = resolver(settings()).resolve(REPO);
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        List<FakeHub.Request> gets = contentGets("model.safetensors");
        assertEquals(1, gets.size());
        assertEquals("bytes=1234-", gets.get(0).range());
        assertFalse(Files.exists(partial));
    }

    @Test
    void aDownloadThatStallsIsCutAfterTheTimeoutAndResumed() throws Exception {
        byte[] weights = tinyFile("model.safetensors");
        hub.stallAfter("model.safetensors", 300_000);
        long t0 = System.nanoTime();
        Path snapshot = resolver(settings().withTimeout(Duration.ofMillis(400))).resolve(REPO);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        List<FakeHub.Request> gets = contentGets("model.safetensors");
        assertEquals(2, gets.size(), gets.toString());
        assertTrue(gets.get(1).range() != null, gets.toString());
        assertTrue(seconds < 7, "the stalled connection was cut long before the server's 10 s pause ended: " + seconds + " s");
    }

    @Test
    void aCorruptedFileIsRejectedByItsSha256AndNotKept() throws Exception {
        byte[] weights = tinyFile("model.safetensors");
        byte[] bad = weights.clone();
        bad[bad.length / 2] ^= 1;
        hub.serveCorrupt("model.safetensors", bad);
        HubException e = assertThrows(HubException.class, () -> resolver(settings()).resolve(REPO));
        assertEquals(HubException.Kind.INTEGRITY, e.kind());
        String sha = FakeHub.sha256(weights);
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("sha-256")
                && e.getMessage().contains(sha), e.getMessage());
        Path repoDir = tmp.resolve("hub-cache/models--tiny-org--tiny-llama");
        assertFalse(Files.exists(repoDir.resolve("blobs").resolve(sha)));
        assertFalse(Files.exists(repoDir.resolve("blobs").resolve(sha + ".incomplete")));
        assertFalse(Files.exists(repoDir.resolve("snapshots").resolve(COMMIT).resolve("model.safetensors")));
        // the next run starts afresh and succeeds once the file is served intact
        hub.serveCorrectly("model.safetensors");
        Path snapshot = resolver(settings()).resolve(REPO);
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    }

    @Test
    void offlineModeUsesTheCacheAndNeverTheNetwork() throws Exception {
        Path online = resolver(settings()).resolve(REPO + "@main");
        hub.close(); // nothing answers any more
        HubSettings offline = settings().withOffline(true);
        assertEquals(online, resolver(offline).resolve(REPO));
        assertEquals(online, resolver(offline).resolve(REPO + "@" + COMMIT));
        HubException notCached = assertThrows(HubException.class, () -> resolver(offline).resolve("tiny-org/other-model"));
        assertEquals(HubException.Kind.NOT_CACHED, notCached.kind());
        assertTrue(notCached.getMessage().contains("HF_HUB_OFFLINE") && notCached.getMessage().contains("models--tiny-org--other-model"),
                notCached.getMessage());
        HubException noRef = assertThrows(HubException.class, () -> resolver(offline).resolve(REPO + "@v2"));
        assertTrue(noRef.getMessage().contains("refs/v2"), noRef.getMessage());
    }

    @Test
    void theHubsErrorsBecomeMessagesThatSayWhatToDo() throws Exception {
        HubException missing = assertThrows(HubException.class, () -> resolver(settings()).resolve("tiny-org/no-such-model"));
        assertEquals(HubException.Kind.REPO_NOT_FOUND, missing.kind());
        assertTrue(missing.getMessage().contains("tiny-org/no-such-model") && missing.getMessage().contains("local directory"), missing.getMessage());

        HubException revision = assertThrows(HubException.class, () -> resolver(settings()).resolve(REPO + "@no-such-branch"));
        assertEquals(HubException.Kind.REVISION_NOT_FOUND, revision.kind());
        assertTrue(revision.getMessage().contains("no-such-branch"), revision.getMessage());

        HubException badToken = assertThrows(HubException.class, () -> resolver(settings().withToken("hf_revoked")).resolve(REPO));
        assertEquals(HubException.Kind.BAD_TOKEN, badToken.kind());
        assertTrue(badToken.getMessage().contains("HF_TOKEN") && !badToken.getMessage().contains("hf_revoked"), badToken.getMessage());

        hub.repo("tiny-org/gated", "1111111111111111111111111111111111111111").filesOf(TINY).gatedFor = "hf_good";
        HubException gated = assertThrows(HubException.class, () -> resolver(settings().withToken(null)).resolve("tiny-org/gated"));
        assertEquals(HubException.Kind.GATED, gated.kind());
        assertTrue(gated.getMessage().contains(hub.endpoint() + "/tiny-org/gated") && gated.getMessage().contains("HF_TOKEN"), gated.getMessage());
        assertTrue(Files.isDirectory(resolver(settings()).resolve("tiny-org/gated")), "the token with access gets it");

        hub.repo("tiny-org/pickled", "2222222222222222222222222222222222222222")
                .file("config.json", tinyFile("config.json"), false)
                .file("pytorch_model.bin", new byte[]{1, 2, 3}, true);
        HubException bin = assertThrows(HubException.class, () -> resolver(settings()).resolve("tiny-org/pickled"));
        assertEquals(HubException.Kind.NOT_LOADABLE, bin.kind());
        assertTrue(bin.getMessage().contains("pytorch_model.bin") && bin.getMessage().contains("safetensors"), bin.getMessage());

        hub.repo("tiny-org/an-adapter", "3333333333333333333333333333333333333333")
                .file("adapter_config.json", "{}".getBytes(StandardCharsets.UTF_8), false);
        HubException adapter = assertThrows(HubException.class, () -> resolver(settings()).resolve("tiny-org/an-adapter"));
        assertEquals(HubException.Kind.NOT_LOADABLE, adapter.kind());
        assertTrue(adapter.getMessage().contains("config.json") && adapter.getMessage().contains("PEFT adapter"), adapter.getMessage());
    }

    @Test
    void aRenamedRepositoryIsFollowedWithinTheHub() throws Exception {
        hub.rename("tiny-org/old-name", REPO);
        Path snapshot = resolver(settings()).resolve("tiny-org/old-name");
        assertEquals(tmp.resolve("hub-cache/models--tiny-org--old-name/snapshots").resolve(COMMIT), snapshot);
        assertArrayEquals(tinyFile("model.safetensors"), Files.readAllBytes(snapshot.resolve("model.safetensors")));
        // the redirected hub requests keep the token; the CDN, another host, gets none
        List<FakeHub.Request> reqs = hub.requests();
        assertTrue(reqs.stream().filter(r -> !r.path().startsWith("/cdn/")).allMatch(r -> "Bearer hf_good".equals(r.authorization())), reqs.toString());
        assertTrue(reqs.stream().anyMatch(r -> r.path().startsWith("/tiny-org/tiny-llama/resolve/")), reqs.toString());
        assertTrue(reqs.stream().filter(r -> r.path().startsWith("/cdn/")).allMatch(r -> r.authorization() == null), reqs.toString());
    }

    @Test
    void aLocalDirectoryIsNeverLookedUpOnTheHub() throws Exception {
        hub.close();
        assertEquals(TINY, resolver(settings()).resolve(TINY.toString()));
        Exception e = assertThrows(java.nio.file.NoSuchFileException.class, () -> resolver(settings()).resolve("./no/such/dir"));
        assertTrue(e.getMessage().contains("no/such/dir"), e.getMessage());
    }
}
