package org.tarpo4j.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

/** The option-like arguments a command does not know, found by walking the arguments after its name. */
final class UnknownOptions {
    private UnknownOptions() {}

    /**
     * Arguments of {@code command} that look like options ({@code -x}, {@code --xy}, {@code --xy=v}; not a negative
     * number) but are none of its options, skipping the values its options take. Empty for a command that collects
     * unmatched arguments itself (e.g. {@code train}'s config overrides).
     */
    static List<String> find(CommandSpec command, String[] args) {
        List<String> unknown = new ArrayList<>();
        if (!command.unmatchedArgsBindings().isEmpty()) return unknown;
        int start = 0;
        if (command.parent() != null) { // the arguments after this subcommand's name
            start = -1;
            for (int i = 0; i < args.length && start < 0; i++) if (command.names().contains(args[i])) start = i + 1;
            if (start < 0) return unknown;
        }
        for (int i = start; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) break;
            if (!a.startsWith("-") || a.length() < 2 || a.matches("-\\d.*")) continue;
            int eq = a.indexOf('=');
            OptionSpec option = command.findOption(eq < 0 ? a : a.substring(0, eq));
            if (option == null) {
                unknown.add(eq < 0 ? a : a.substring(0, eq));
            } else if (eq < 0 && option.arity().max() > 0) {
                i += 1; // its value (every option here takes at most one token; lists are comma-separated)
            }
        }
        return unknown;
    }
}
