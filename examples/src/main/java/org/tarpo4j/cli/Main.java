package org.tarpo4j.cli;

import org.tarpo4j.rl.train.TarpoConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/** The {@code tarpo} command line. */
@Command(name = "tarpo", mixinStandardHelpOptions = true, version = "tarpo4j 0.1.0",
        description = "TARPO (token-wise latent/explicit reasoning via action-routing policy optimisation) on SameDiff.",
        subcommands = {TrainCommand.class, SftCommand.class, EvalCommand.class, CompareCommand.class, SweepCommand.class, ReportCommand.class, LogitsCommand.class, TokenizeCommand.class,
                GenerateCommand.class, BenchCommand.class, InitCommand.class, ExportCommand.class, SoakCommand.class,
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
        // the trainer's keys, defaults and descriptions come from the config class itself, so the help cannot drift
        cli.getSubcommands().get("train").getCommandSpec().usageMessage()
                .footerHeading("%nTrainer config keys (in the --config file, or on the command line as --key value; "
                        + "--learning-rate and --learning_rate are the same key):%n")
                .footer(TarpoConfig.keyTable().replace("%", "%%"));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // a clear one-line error; the stack trace only when asked for
            cmd.getErr().println(cmd.getCommandName() + ": error: " + describe(e, cmd.getCommandName()));
            if (System.getenv("TARPO_DEBUG") != null) e.printStackTrace(cmd.getErr());
            return 1;
        });
        cli.setParameterExceptionHandler(Main::badArguments);
        return cli;
    }

    /** The message, without the command's name when it already starts with it ("generate: error: generate: ..."). */
    static String describe(Throwable e, String command) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        return m.startsWith(command + ": ") ? m.substring(command.length() + 2) : m;
    }

    /**
     * Picocli's report of bad arguments, except that an unknown option comes first: picocli checks required options
     * before unmatched ones, so {@code generate --modle DIR} used to say only that --model is missing.
     */
    private static int badArguments(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        List<String> unknown = UnknownOptions.find(cmd.getCommandSpec(), args);
        if (!unknown.isEmpty() && !(ex instanceof CommandLine.UnmatchedArgumentException)) {
            CommandLine.UnmatchedArgumentException first = new CommandLine.UnmatchedArgumentException(cmd, unknown);
            err.println(first.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(first, err);
        }
        err.println(ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        cmd.usage(err);
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
