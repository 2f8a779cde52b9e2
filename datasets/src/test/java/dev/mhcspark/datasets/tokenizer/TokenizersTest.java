package dev.mhcspark.datasets.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {
    @TempDir
    Path dir;

    @Test
    void loadsEachKindAndItsSpecLoadsItAgain() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        BpeTokenizer saved = BpeTokenizer.save(BpeTokenizerTest.hugs(), file);
        assertSame(ByteTokenizer.INSTANCE, Tokenizers.load("byte"));
        assertEquals(100_277, Tokenizers.load("tiktoken:cl100k_base").vocabSize());
        BpeTokenizer bpe = (BpeTokenizer) Tokenizers.load("bpe:" + file);
        assertEquals(saved.sha256(), bpe.sha256());
        assertArrayEquals(new int[] {257, 258}, bpe.encode("unhug"));
        for (String spec : new String[] {"byte", "tiktoken:o200k_base", "bpe:" + file.toAbsolutePath()}) {
            assertEquals(spec, Tokenizers.load(spec).spec());
            assertEquals(spec, Tokenizers.load(Tokenizers.load(spec).spec()).spec());
        }
    }

    @Test
    void bpeFilesByUriOrRelativeToADirectory() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        BpeTokenizer saved = BpeTokenizer.save(BpeTokenizerTest.hugs(), file);
        assertEquals(saved.sha256(), ((BpeTokenizer) Tokenizers.load("bpe:" + file.toUri())).sha256());
        Tokenizer relative = Tokenizers.load("bpe:tokenizer.json", new org.apache.hadoop.fs.Path(dir.toUri()),
                new Configuration());
        assertEquals("bpe:tokenizer.json", relative.spec(), "kept as written: the file travels with its directory");
        assertEquals(saved.sha256(), ((BpeTokenizer) relative).sha256());
    }

    @Test
    void aVocabularySizeIsForTheTokenizeJob() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load("bpe:32000"));
        assertTrue(e.getMessage().contains("bpe:32000") && e.getMessage().contains("tokenize job"), e.getMessage());
    }

    @Test
    void unknownSpecsListTheAcceptedForms() {
        for (String spec : new String[] {"wordpiece", "BYTE", "bpe:", "tiktoken"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(spec));
            assertTrue(e.getMessage().startsWith("tokenizer " + spec + ":"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load("gpt2"));
        assertTrue(e.getMessage().contains("byte, tiktoken:<encoding> (one of r50k_base"), e.getMessage());
        assertTrue(e.getMessage().contains("bpe:<tokenizer file>"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tokenizers.load("tiktoken:gpt2"));
    }

    @Test
    void unreadableBpeFilesAreNamed() {
        String spec = "bpe:" + dir.resolve("missing.json");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Tokenizers.load(spec));
        assertTrue(e.getMessage().startsWith("tokenizer " + spec + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("missing.json"), e.getMessage());
    }
}
