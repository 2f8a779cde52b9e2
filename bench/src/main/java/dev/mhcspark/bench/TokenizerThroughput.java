package dev.mhcspark.bench;

import dev.mhcspark.datasets.tokenizer.Tokenizer;
import dev.mhcspark.datasets.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The raw single-thread throughput of a tokenizer: every paragraph (blank-line separated, as
 * {@code tokenize --doc-split blank-line} reads them) of every file under a directory, encoded in a plain loop.
 * The tokenize job's throughput is judged against this figure times the cores it uses.
 *
 * <p>Usage: {@code TokenizerThroughput <tokenizer spec> <directory>}
 */
public final class TokenizerThroughput {
    public static void main(String[] args) throws IOException {
        Tokenizer tokenizer = Tokenizers.load(args[0]);
        List<String> paragraphs = new ArrayList<>();
        long bytes = 0;
        try (Stream<Path> files = Files.list(Path.of(args[1]))) {
            for (Path file : files.sorted().toList()) {
                bytes += Files.size(file);
                for (String p : Files.readString(file, StandardCharsets.UTF_8).split("\n[ \t\r]*\n")) {
                    if (!p.isBlank()) {
                        paragraphs.add(p);
                    }
                }
            }
        }
        encodeAll(tokenizer, paragraphs.subList(0, Math.min(paragraphs.size(), 20_000)));  // JIT warm-up
        long started = System.nanoTime();
        long tokens = encodeAll(tokenizer, paragraphs);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("raw %s single-thread: %.1f MB in %.1f s = %.2f MB/s, %,.0f tokens/s (%,d tokens, "
                + "%.2f bytes/token)%n", args[0], bytes / 1e6, seconds, bytes / 1e6 / seconds, tokens / seconds,
                tokens, (double) bytes / tokens);
    }

    private static long encodeAll(Tokenizer tokenizer, List<String> paragraphs) {
        long tokens = 0;
        for (String p : paragraphs) {
            tokens += tokenizer.encode(p).length + 1;  // + end of document, as the job counts
        }
        return tokens;
    }
}
