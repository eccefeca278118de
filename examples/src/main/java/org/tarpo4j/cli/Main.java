package org.tarpo4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tarpo} command line. */
@Command(name = "tarpo", mixinStandardHelpOptions = true, version = "tarpo4j 0.1.0",
        description = "TARPO (token-wise latent/explicit reasoning via action-routing policy optimisation) on SameDiff.",
        subcommands = {TrainCommand.class, SftCommand.class, EvalCommand.class, CompareCommand.class, SweepCommand.class, ReportCommand.class, LogitsCommand.class, TokenizeCommand.class,
                GenerateCommand.class, BenchCommand.class, InitCommand.class, ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests to run commands in-process). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // a clear one-line error; the stack trace only when asked for
            cmd.getErr().println(cmd.getCommandName() + ": error: " + describe(e));
            if (System.getenv("TARPO_DEBUG") != null) e.printStackTrace(cmd.getErr());
            return 1;
        });
        return cli;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
