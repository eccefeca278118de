package org.tarpo4j.rl.data;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tarpo4j.models.DataDirectory;
import org.tarpo4j.models.tokenizer.ChatTemplates;
import org.tarpo4j.models.tokenizer.HfTokenizer;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptBuilderTest {
    private static HfTokenizer qwen;
    private static final Problem PROBLEM = new Problem("p1", "What is 6*7?", "42", null);

    @BeforeAll
    static void load() throws IOException {
        qwen = HfTokenizer.load(DataDirectory.require("tokenizers/qwen3-npm/tokenizer.json"));
    }

    @AfterAll
    static void close() {
        if (qwen != null) qwen.close();
    }

    @Test
    void qwenPromptOpensTheAssistantTurn() {
        PromptBuilder builder = new PromptBuilder(ChatTemplates.forModelType("qwen2"));
        String text = builder.render(PROBLEM);
        assertEquals("<|im_start|>system\n" + PromptBuilder.DEFAULT_SYSTEM_PROMPT + "<|im_end|>\n"
                + "<|im_start|>user\nWhat is 6*7?<|im_end|>\n<|im_start|>assistant\n", text);
        int[] ids = builder.encode(qwen, PROBLEM);
        assertEquals(qwen.tokenToId("<|im_start|>").getAsInt(), ids[0]);
        assertEquals(text, qwen.decode(ids, false));
        String decoded = qwen.decode(ids, false);
        assertTrue(decoded.startsWith("<|im_start|>system"));
        assertTrue(decoded.endsWith("<|im_start|>assistant\n"));
    }

    @Test
    void systemPromptIsConfigurable() {
        PromptBuilder builder = new PromptBuilder(ChatTemplates.forModelType("qwen2"), "Answer after ####.");
        assertTrue(builder.render(PROBLEM).startsWith("<|im_start|>system\nAnswer after ####.<|im_end|>\n"));
        assertEquals("Answer after ####.", builder.messages(PROBLEM).get(0).content());
        assertEquals("What is 6*7?", builder.messages(PROBLEM).get(1).content());
    }

    @Test
    void defaultSystemPromptNamesTheMarker() {
        assertTrue(PromptBuilder.DEFAULT_SYSTEM_PROMPT.contains("####"));
    }
}
