package org.tarpo4j.models.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where and how models are fetched: the hub's address, the access token, whether the network may be used, the cache
 * directory and the network timeout. {@link #fromEnvironment()} reads the variables {@code huggingface_hub} reads, with
 * the same precedence, so Python and tarpo4j share one cache and one login; tests build their own.
 *
 * @param endpoint the hub's base URL without a trailing slash ({@code HF_ENDPOINT}, default {@value #DEFAULT_ENDPOINT})
 * @param token    a user access token sent as {@code Authorization: Bearer}, or null
 * @param offline  never touch the network, use only the cache ({@code HF_HUB_OFFLINE} or {@code TRANSFORMERS_OFFLINE})
 * @param cacheDir the hub cache ({@code HF_HUB_CACHE}, {@code HUGGINGFACE_HUB_CACHE}, {@code HF_HOME/hub},
 *                 {@code XDG_CACHE_HOME/huggingface/hub}, {@code ~/.cache/huggingface/hub}, the first one set)
 * @param timeout  how long a request may wait for an answer and a download may go without receiving a byte
 *                 ({@code HF_HUB_DOWNLOAD_TIMEOUT} seconds, default 10 as in {@code huggingface_hub})
 */
public record HubSettings(String endpoint, String token, boolean offline, Path cacheDir, Duration timeout) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    // the values huggingface_hub reads as true
    private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

    public HubSettings {
        if (endpoint == null || !(endpoint.startsWith("http://") || endpoint.startsWith("https://"))) {
            throw new IllegalArgumentException("hub endpoint must be an http(s) URL, got '" + endpoint + "' (HF_ENDPOINT)");
        }
        while (endpoint.endsWith("/")) endpoint = endpoint.substring(0, endpoint.length() - 1);
        if (token != null && token.isBlank()) token = null;
        if (cacheDir == null) throw new IllegalArgumentException("hub cache directory must be given");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("hub timeout must be positive");
    }

    /** The settings of this process's environment. */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The settings the variables {@code env} describe, with {@code home} as the user's home directory. */
    public static HubSettings fromEnvironment(Map<String, String> env, Path home) {
        Path hfHome = path(env, "HF_HOME", home);
        if (hfHome == null) {
            Path xdg = path(env, "XDG_CACHE_HOME", home);
            hfHome = (xdg != null ? xdg : home.resolve(".cache")).resolve("huggingface");
        }
        Path cache = path(env, "HF_HUB_CACHE", home);
        if (cache == null) cache = path(env, "HUGGINGFACE_HUB_CACHE", home);
        if (cache == null) cache = hfHome.resolve("hub");
        boolean offline = isTrue(env.get("HF_HUB_OFFLINE")) || isTrue(env.get("TRANSFORMERS_OFFLINE"));
        String endpoint = nonBlank(env.get("HF_ENDPOINT"));
        Duration timeout = Duration.ofSeconds(10);
        String t = nonBlank(env.get("HF_HUB_DOWNLOAD_TIMEOUT"));
        if (t != null) {
            try {
                timeout = Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("HF_HUB_DOWNLOAD_TIMEOUT must be a number of seconds, got '" + t + "'");
            }
        }
        return new HubSettings(endpoint != null ? endpoint : DEFAULT_ENDPOINT, token(env, hfHome, home), offline, cache, timeout);
    }

    /** {@code HF_TOKEN}, else the legacy {@code HUGGING_FACE_HUB_TOKEN}, else the file {@code huggingface-cli login} wrote. */
    private static String token(Map<String, String> env, Path hfHome, Path home) {
        String token = nonBlank(env.get("HF_TOKEN"));
        if (token == null) token = nonBlank(env.get("HUGGING_FACE_HUB_TOKEN"));
        if (token != null) return token;
        Path file = path(env, "HF_TOKEN_PATH", home);
        if (file == null) file = hfHome.resolve("token");
        try {
            return Files.isRegularFile(file) ? nonBlank(Files.readString(file).strip()) : null;
        } catch (IOException e) {
            return null; // an unreadable token file is the same as none: public repos still work
        }
    }

    public HubSettings withEndpoint(String e) { return new HubSettings(e, token, offline, cacheDir, timeout); }

    public HubSettings withToken(String t) { return new HubSettings(endpoint, t, offline, cacheDir, timeout); }

    public HubSettings withOffline(boolean o) { return new HubSettings(endpoint, token, o, cacheDir, timeout); }

    public HubSettings withCacheDir(Path c) { return new HubSettings(endpoint, token, offline, c, timeout); }

    public HubSettings withTimeout(Duration t) { return new HubSettings(endpoint, token, offline, cacheDir, t); }

    @Override
    public String toString() {
        // never print the token itself
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set") + ", offline=" + offline
                + ", cacheDir=" + cacheDir + ", timeout=" + timeout + "]";
    }

    private static boolean isTrue(String v) { return v != null && TRUE.contains(v.strip().toUpperCase(Locale.ROOT)); }

    private static String nonBlank(String v) { return v == null || v.isBlank() ? null : v; }

    private static Path path(Map<String, String> env, String name, Path home) {
        String v = nonBlank(env.get(name));
        if (v == null) return null;
        // huggingface_hub expands ~ in these variables
        if (v.equals("~") || v.startsWith("~/")) return Path.of(home + v.substring(1));
        return Path.of(v);
    }
}
