package org.tarpo4j.models.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the process holds right now: resident memory (from {@code /proc/self/status}, as the kernel counts it) and the
 * Java heap in use. Resident memory is the measure of ND4J's arrays: M2.1 allocates them inside libnd4j, where neither
 * JavaCPP's {@code Pointer.totalBytes()} nor ND4J's allocation tracker counts them (measured: both stay at 104 bytes
 * and 0 with a 100 MB array alive).
 *
 * @param residentBytes the process's resident set, or -1 where {@code /proc} is missing
 * @param peakResidentBytes the high-water mark of the resident set since the process started, or -1
 * @param heapBytes     used Java heap
 */
public record MemoryProbe(long residentBytes, long peakResidentBytes, long heapBytes) {
    public static MemoryProbe now() {
        long rss = -1, peak = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) rss = kib(line);
                if (line.startsWith("VmHWM:")) peak = kib(line);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: resident figures unknown
        }
        Runtime rt = Runtime.getRuntime();
        return new MemoryProbe(rss, peak, rt.totalMemory() - rt.freeMemory());
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "rss %.2f GB (peak %.2f), heap %.2f GB",
                residentBytes / 1e9, peakResidentBytes / 1e9, heapBytes / 1e9);
    }
}
