package org.tarpo4j.models.tokenizer;

import org.junit.jupiter.api.Test;
import org.tarpo4j.models.DataDirectory;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.tarpo4j.models.tokenizer.ChatMessage.assistant;
import static org.tarpo4j.models.tokenizer.ChatMessage.system;
import static org.tarpo4j.models.tokenizer.ChatMessage.user;

/**
 * ChatML as Qwen2.5 uses it. The expected strings were rendered by jinja2 3.1.6 (sandboxed, trim_blocks and
 * lstrip_blocks, as transformers' apply_chat_template sets it up) from Qwen2.5-Instruct's published chat_template.
 */
class ChatMlTemplateTest {
    @Test
    void acceptanceUserTurnWithoutSystemEncodesToTheReferenceIds() throws IOException {
        try (HfTokenizer tok = HfTokenizer.load(DataDirectory.require(QwenTokenizerTest.TOKENIZER))) {
            int[] ids = ChatMlTemplate.plain().encode(tok, List.of(user("What is 2+3?")), true);
            assertArrayEquals(new int[] {151644, 872, 198, 3838, 374, 220, 17, 10, 18, 30, 151645, 198, 151644, 77091, 198},
                    ids);
        }
    }

    @Test
    void plainFormHasNoImplicitSystemMessage() {
        assertEquals("<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n",
                ChatMlTemplate.plain().render(List.of(user("What is 2+3?")), true));
    }

    @Test
    void qwen25InsertsItsDefaultSystemMessageLikeHuggingFace() {
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n",
                ChatMlTemplate.qwen25().render(List.of(user("What is 2+3?")), true));
    }

    @Test
    void qwen25KeepsAnExplicitSystemMessageAndDoesNotTrimContent() {
        List<ChatMessage> messages = List.of(system("  Be brief.\n"), user(" Hi \n"), assistant(" Hello! "), user("2+2?"));
        assertEquals("<|im_start|>system\n  Be brief.\n<|im_end|>\n<|im_start|>user\n Hi \n<|im_end|>\n"
                        + "<|im_start|>assistant\n Hello! <|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n",
                ChatMlTemplate.qwen25().render(messages, false));
        // with an explicit system message the default prompt never matters
        assertEquals(ChatMlTemplate.qwen25().render(messages, false), ChatMlTemplate.plain().render(messages, false));
    }

    @Test
    void laterSystemMessagesAreOrdinaryTurns() {
        List<ChatMessage> messages =
                List.of(system("Be brief."), user("Hi"), assistant("Hello!"), system("late system"), user("2+2?"));
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                        + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>system\nlate system<|im_end|>\n"
                        + "<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n",
                ChatMlTemplate.qwen25().render(messages, true));
    }

    @Test
    void customDefaultSystemPrompt() {
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nx<|im_end|>\n",
                ChatMlTemplate.withDefaultSystemPrompt("You are a helpful assistant.").render(List.of(user("x")), false));
    }

    @Test
    void refusesWhatItCannotRenderFaithfully() {
        assertThrows(IllegalArgumentException.class, () -> ChatMlTemplate.qwen25().render(List.of(), true));
        assertThrows(IllegalArgumentException.class,
                () -> ChatMlTemplate.qwen25().render(List.of(new ChatMessage("tool", "42")), true));
        assertThrows(IllegalArgumentException.class,
                () -> ChatMlTemplate.plain().render(List.of(new ChatMessage("narrator", "x")), true));
    }
}
