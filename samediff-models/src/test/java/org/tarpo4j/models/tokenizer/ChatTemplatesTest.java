package org.tarpo4j.models.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChatTemplatesTest {
    @Test
    void qwen2IsPlainChatMl() {
        ChatTemplate t = ChatTemplates.forModelType("qwen2");
        assertInstanceOf(ChatMlTemplate.class, t);
        assertEquals(ChatMlTemplate.plain().render(List.of(ChatMessage.user("x")), true),
                t.render(List.of(ChatMessage.user("x")), true));
    }

    @Test
    void llamaIsLlama31() {
        assertInstanceOf(Llama3Template.class, ChatTemplates.forModelType("llama"));
    }

    @Test
    void unknownModelTypeNamesTheSupportedOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ChatTemplates.forModelType("gpt2"));
        assertEquals(true, e.getMessage().contains("qwen2") && e.getMessage().contains("llama"), e.getMessage());
    }

    @Test
    void pythonStripMatchesStrIsspace() {
        assertEquals("a b", PythonStrings.strip("\u0085\u00a0\u1680\u2000\u200a\u202f\u205f\u3000\u001c\t a b \u000b\u000c\r\n\u2028\u2029"));
        assertEquals("\u200bx\u200b", PythonStrings.strip("\u200bx\u200b")); // zero-width space is not whitespace
        assertEquals("\ufeffx", PythonStrings.strip("\ufeffx"));
        assertEquals("", PythonStrings.strip(" \n "));
    }
}
