package org.tarpo4j.models.tokenizer;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.tarpo4j.models.tokenizer.ChatMessage.assistant;
import static org.tarpo4j.models.tokenizer.ChatMessage.system;
import static org.tarpo4j.models.tokenizer.ChatMessage.user;

/**
 * Llama-3.1 Instruct's template. The expected strings were rendered by jinja2 3.1.6 (sandboxed, trim_blocks and
 * lstrip_blocks, bos_token {@code <|begin_of_text|>}, as transformers' apply_chat_template sets it up) from the
 * chat_template of meta-llama/Llama-3.1-8B-Instruct, without tools.
 */
class Llama3TemplateTest {
    private static final String HEADER = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
            + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n";

    @Test
    void oneUserTurnWithGenerationPrompt() {
        assertEquals(HEADER + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+3?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                new Llama3Template().render(List.of(user("What is 2+3?")), true));
    }

    @Test
    void contentsAreTrimmedLikePythonStrStrip() {
        // U+00A0, U+3000 and U+2028 are whitespace to Python (and so to Jinja's trim) but not all are to Java's strip();
        // U+200B is not whitespace to Python
        List<ChatMessage> messages = List.of(system("  Be brief.\n"), user(" Hi \n\u00a0"),
                assistant("\u3000Hello! \u2028"), user("2+2?\u200b"));
        assertEquals(HEADER + "Be brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\n2+2?\u200b<|eot_id|>",
                new Llama3Template().render(messages, false));
    }

    @Test
    void blankSystemMessageLeavesTheHeaderOnly() {
        assertEquals(HEADER + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nx<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                new Llama3Template().render(List.of(system("   "), user("x")), true));
    }

    @Test
    void dateIsConfigurable() {
        String expected = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 05 Jan 2025\n\n<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nx<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
        assertEquals(expected, Llama3Template.withDate("05 Jan 2025").render(List.of(user("x")), true));
        // the template's strftime format is "%d %b %Y"
        assertEquals(expected, Llama3Template.withDate(LocalDate.of(2025, 1, 5)).render(List.of(user("x")), true));
    }

    @Test
    void laterSystemMessagesAreOrdinaryTurns() {
        assertEquals(HEADER + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\na<|eot_id|>"
                        + "<|start_header_id|>system<|end_header_id|>\n\nb<|eot_id|>",
                new Llama3Template().render(List.of(user("a"), system(" b ")), false));
    }

    @Test
    void refusesToolsAndEmptyConversations() {
        assertThrows(IllegalArgumentException.class, () -> new Llama3Template().render(List.of(), true));
        assertThrows(IllegalArgumentException.class,
                () -> new Llama3Template().render(List.of(new ChatMessage("ipython", "{}")), true));
        assertThrows(IllegalArgumentException.class,
                () -> new Llama3Template().render(List.of(user("x"), new ChatMessage("tool", "{}")), true));
    }
}
