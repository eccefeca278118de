package org.tarpo4j.models.tokenizer;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Llama-3.1 Instruct's prompt format, as its Hugging Face {@code chat_template} renders a conversation without tools.
 *
 * <p>Output: {@code <|begin_of_text|>}, then a system block that is always present,
 * {@code <|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: {date}\n\n}
 * followed by the first message's content if that message is a system message (trimmed), and {@code <|eot_id|>};
 * then every other message as {@code <|start_header_id|>{role}<|end_header_id|>\n\n{content trimmed}<|eot_id|>};
 * then, for the generation prompt, {@code <|start_header_id|>assistant<|end_header_id|>\n\n}. Trimming is Jinja's
 * {@code trim}, i.e. Python's {@code str.strip()}.
 *
 * <p>The date defaults to the template's own {@code "26 Jul 2024"} (used when the caller passes no
 * {@code date_string}). Tools (the {@code Environment: ipython} header, tool definitions, tool calls, and
 * {@code tool}/{@code ipython} messages) are out of scope: such messages are rejected.
 */
public final class Llama3Template implements ChatTemplate {
    /** The template's default {@code date_string}. */
    public static final String DEFAULT_DATE_STRING = "26 Jul 2024";

    // the template formats a date with strftime("%d %b %Y") when asked for today's
    private static final DateTimeFormatter DATE_FORMAT = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH);

    private final String dateString;

    /** The template as shipped: "Today Date: 26 Jul 2024". */
    public Llama3Template() {
        this(DEFAULT_DATE_STRING);
    }

    private Llama3Template(String dateString) {
        this.dateString = Objects.requireNonNull(dateString, "dateString");
    }

    /**
     * The template with {@code date_string} set to {@code dateString}, verbatim.
     *
     * @param dateString e.g. {@code 26 Jul 2024}
     * @return the template
     */
    public static Llama3Template withDate(String dateString) {
        return new Llama3Template(dateString);
    }

    /**
     * The template with {@code date_string} set to {@code date} formatted like {@code strftime("%d %b %Y")}.
     *
     * @param date the date
     * @return the template
     */
    public static Llama3Template withDate(LocalDate date) {
        return new Llama3Template(DATE_FORMAT.format(date));
    }

    /** @return the {@code Today Date} this template writes */
    public String dateString() {
        return dateString;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (messages.isEmpty()) throw new IllegalArgumentException("a chat prompt needs at least one message");
        for (ChatMessage m : messages) {
            if (m.role().equals("tool") || m.role().equals("ipython")) {
                throw new IllegalArgumentException("Llama-3.1 template: '" + m.role() + "' messages are out of scope");
            }
        }
        boolean leadingSystem = messages.get(0).role().equals("system");
        StringBuilder out = new StringBuilder("<|begin_of_text|>");
        out.append("<|start_header_id|>system<|end_header_id|>\n\n")
                .append("Cutting Knowledge Date: December 2023\n")
                .append("Today Date: ").append(dateString).append("\n\n");
        if (leadingSystem) out.append(PythonStrings.strip(messages.get(0).content()));
        out.append("<|eot_id|>");
        for (ChatMessage m : leadingSystem ? messages.subList(1, messages.size()) : messages) {
            header(out, m.role()).append(PythonStrings.strip(m.content())).append("<|eot_id|>");
        }
        if (addGenerationPrompt) header(out, "assistant");
        return out.toString();
    }

    private static StringBuilder header(StringBuilder out, String role) {
        return out.append("<|start_header_id|>").append(role).append("<|end_header_id|>\n\n");
    }

    @Override
    public String toString() {
        return "Llama3Template[" + dateString + "]";
    }
}
