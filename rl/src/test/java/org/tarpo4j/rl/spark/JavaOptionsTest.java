package org.tarpo4j.rl.spark;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Executors keep their heap as the driver does: its collector and free ratios reach them, its heap size does not. */
class JavaOptionsTest {
    @Test
    void theDriversCollectorAndFreeRatiosAreTakenAndNothingElse() {
        List<String> launcher = List.of("-Xms64m", "-Xmx2g", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
                "-Dorg.bytedeco.javacpp.maxbytes=3g", "--add-modules=jdk.incubator.vector", "-XX:+UseSerialGC",
                "-XX:+UseGCOverheadLimit", "-XX:MaxGCPauseMillis=200", "-Xlog:gc:file=gc.log");
        assertEquals("-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UseSerialGC", JavaOptions.heapShape(launcher));
        assertEquals("-XX:+UseG1GC", JavaOptions.heapShape(List.of("-XX:+UseG1GC", "-Xmx8g")));
        assertEquals("", JavaOptions.heapShape(List.of("-Xmx2g", "-ea")));
    }
}
