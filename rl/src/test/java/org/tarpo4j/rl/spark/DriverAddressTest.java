package org.tarpo4j.rl.spark;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A driver whose master is on this machine listens on 127.0.0.1 only, its web UI included (Spark binds the UI to every
 * interface unless the environment says otherwise).
 */
class DriverAddressTest {
    @Test
    void theConfAnswersLoopbackForTheUiAddressesAndKeepsItInSparksCopy() {
        LoopbackConf conf = LoopbackConf.withDefaults();
        conf.set("spark.app.name", "copied");
        SparkConf copy = conf.clone(); // what SparkContext keeps
        assertEquals("copied", copy.get("spark.app.name"));
        assertEquals("127.0.0.1", copy.get("spark.driver.bindAddress"));
        for (String name : List.of("SPARK_LOCAL_IP", "SPARK_PUBLIC_DNS")) {
            assertEquals(System.getenv().getOrDefault(name, "127.0.0.1"), copy.getenv(name), name);
        }
        assertEquals(System.getenv("PATH"), copy.getenv("PATH"));
    }

    @Test
    void theWebUiOfALocalRunListensOn127001Only() throws IOException {
        String before = System.getProperty("spark.ui.enabled");
        System.setProperty("spark.ui.enabled", "true"); // the build turns the UI off for the other tests
        try {
            SparkCluster cluster = SparkCluster.connect("local[1]");
            String url = cluster.sc().sc().uiWebUrl().get();
            URI ui = URI.create(url);
            assertEquals("127.0.0.1", ui.getHost(), url);
            List<String> listeners = listeningAddresses(ui.getPort());
            assertFalse(listeners.isEmpty(), "nothing listens on port " + ui.getPort());
            Set<String> loopback = Set.of("0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000");
            for (String address : listeners) assertTrue(loopback.contains(address), "the UI listens on " + address);
        } finally {
            SparkCluster.stopShared();
            if (before == null) System.clearProperty("spark.ui.enabled");
            else System.setProperty("spark.ui.enabled", before);
        }
    }

    /** The local addresses (hex, as the kernel writes them) of the sockets listening on {@code port}. */
    private static List<String> listeningAddresses(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        List<String> out = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) continue;
            List<String> lines = Files.readAllLines(p);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String[] local = f[1].split(":");
                if (local[1].equals(hexPort) && f[3].equals("0A")) out.add(local[0]); // 0A: LISTEN
            }
        }
        return out;
    }
}
