package org.tarpo4j.cli;

import org.tarpo4j.examples.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes RUN_DIR/report/report.html with PNG plots (reward, KL, soft ratio, completion length over "
                + "steps; held-out accuracy with 95%% intervals) and the routing view (held-out completions with soft steps "
                + "highlighted, soft ratio per token class). RUN_DIR is a `train` run or a `compare` directory.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR")
    Path dir;

    @Override
    public Integer call() throws Exception {
        System.out.println("report: " + ReportWriter.write(dir));
        return 0;
    }
}
