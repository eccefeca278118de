package org.tarpo4j.rl.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code spark_master} value, checked before Spark sees it: Spark's own errors for a bad URL come late or never (an
 * unreachable standalone master is retried for a minute before the application gives up).
 *
 * @param url     the URL as given
 * @param local   {@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]}: tasks run in this JVM
 * @param masters a standalone master's host:port pairs; empty for other kinds
 */
record MasterUrl(String url, boolean local, List<InetSocketAddress> masters) {
    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9][0-9]*)(,\\s*[1-9][0-9]*)?\\])?");
    private static final Pattern HOST_PORT = Pattern.compile("([^:/,\\s]+|\\[[0-9a-fA-F:]+\\]):([0-9]{1,5})");
    private static final String KINDS = "local, local[N], local[*], spark://host:port, yarn or k8s://https://host:port";

    /**
     * @param url a Spark master URL
     * @return it, parsed
     * @throws IllegalArgumentException naming the value and the kinds accepted
     */
    static MasterUrl parse(String url) {
        String u = url.trim();
        if (LOCAL.matcher(u).matches()) return new MasterUrl(u, true, List.of());
        if (u.startsWith("spark://")) {
            List<InetSocketAddress> masters = new ArrayList<>();
            for (String part : u.substring("spark://".length()).split(",")) {
                var m = HOST_PORT.matcher(part.trim());
                if (!m.matches()) throw bad(url, "'" + part + "' is not host:port");
                int port = Integer.parseInt(m.group(2));
                if (port < 1 || port > 65535) throw bad(url, "port " + port + " is out of range");
                masters.add(InetSocketAddress.createUnresolved(m.group(1).replaceAll("[\\[\\]]", ""), port));
            }
            return new MasterUrl(u, false, List.copyOf(masters));
        }
        if (u.equals("yarn") || u.startsWith("k8s://") || u.startsWith("local-cluster[")) return new MasterUrl(u, false, List.of());
        throw bad(url, "expected " + KINDS);
    }

    private static IllegalArgumentException bad(String url, String why) {
        return new IllegalArgumentException("spark_master '" + url + "' is not a Spark master URL: " + why);
    }

    /** Whether everything (the masters, or this JVM) is on this machine: the driver then binds to 127.0.0.1. */
    boolean loopback() {
        if (local) return true;
        if (masters.isEmpty()) return false;
        for (InetSocketAddress a : masters) {
            try {
                if (!InetAddress.getByName(a.getHostString()).isLoopbackAddress()) return false;
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * For a standalone master: that one of its addresses accepts a connection within {@code timeoutMillis}.
     *
     * @throws IllegalArgumentException naming the addresses and why none answered
     */
    void requireReachable(int timeoutMillis) {
        if (masters.isEmpty()) return;
        List<String> why = new ArrayList<>();
        for (InetSocketAddress a : masters) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(a.getHostString(), a.getPort()), timeoutMillis);
                return;
            } catch (IOException e) {
                why.add(a.getHostString() + ":" + a.getPort() + " (" + e.getMessage() + ")");
            }
        }
        throw new IllegalArgumentException("spark_master '" + url + "': no Spark master answers at " + String.join(", ", why)
                + "; start one (sbin/start-master.sh) or correct the URL");
    }
}
