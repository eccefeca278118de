package org.tarpo4j.cli;

import org.tarpo4j.models.tokenizer.HfTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Encodes text with a Hugging Face tokenizer.json; prints the ids as a JSON array on the last line.")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = "--tokenizer", required = true, description = "a tokenizer.json file or a directory holding one")
    Path tokenizer;

    @Option(names = "--text", required = true, description = "text to encode")
    String text;

    @Option(names = "--no-special", description = "do not add special tokens (e.g. BOS)")
    boolean noSpecial;

    @Override
    public Integer call() throws Exception {
        try (HfTokenizer tok = HfTokenizer.load(tokenizer)) {
            System.out.println(CliSupport.json(tok.encode(text, !noSpecial)));
        }
        return 0;
    }
}
