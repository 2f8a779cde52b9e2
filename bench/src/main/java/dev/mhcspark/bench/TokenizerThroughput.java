package dev.mhcspark.bench;

import dev.mhcspark.datasets.tokenizer.Tokenizer;
import dev.mhcspark.datasets.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The raw throughput of a tokenizer: every paragraph (blank-line separated, as {@code tokenize --doc-split
 * blank-line} reads them) of every file under a directory, encoded in a plain loop. First on one thread, the
 * fastest of three passes (a shorter warm-up left the JIT cold and the figure low by a third): the figure the
 * tokenize job is judged against, times the cores it uses. Then on {@code threads} threads of this JVM at once,
 * each taking every {@code threads}-th paragraph: what the cores deliver together with nothing but the tokenizer
 * running, the ceiling of any parallel job.
 *
 * <p>Usage: {@code TokenizerThroughput <tokenizer spec> <directory> [threads]} (default: the available cores)
 */
public final class TokenizerThroughput {
    private static final int PASSES = 3;

    public static void main(String[] args) throws Exception {
        Tokenizer tokenizer = Tokenizers.load(args[0]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
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
        long tokens = 0;
        double seconds = Double.MAX_VALUE;
        for (int pass = 0; pass < PASSES; pass++) {  // the first passes warm the JIT up; the fastest pass counts
            long started = System.nanoTime();
            tokens = encodeAll(tokenizer, paragraphs, 0, 1);
            seconds = Math.min(seconds, (System.nanoTime() - started) / 1e9);
        }
        System.out.printf("raw %s single-thread: %.1f MB in %.1f s = %.2f MB/s, %,.0f tokens/s (%,d tokens, "
                + "%.2f bytes/token)%n", args[0], bytes / 1e6, seconds, bytes / 1e6 / seconds, tokens / seconds,
                tokens, (double) bytes / tokens);

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long started = System.nanoTime();
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> encodeAll(tokenizer, paragraphs, first, threads)));
            }
            long parallelTokens = 0;
            for (Future<Long> part : parts) {
                parallelTokens += part.get();
            }
            double parallelSeconds = (System.nanoTime() - started) / 1e9;
            double mbPerSecond = bytes / 1e6 / parallelSeconds;
            System.out.printf("raw %s on %d threads at once: %.1f s = %.2f MB/s, %,.0f tokens/s = %.2f x (raw "
                    + "single-thread x %d)%n", args[0], threads, parallelSeconds, mbPerSecond,
                    parallelTokens / parallelSeconds, mbPerSecond / (bytes / 1e6 / seconds) / threads, threads);
        } finally {
            pool.shutdown();
        }
    }

    /** Encodes paragraphs {@code first, first + step, ...}; their token count, end-of-document tokens included. */
    private static long encodeAll(Tokenizer tokenizer, List<String> paragraphs, int first, int step) {
        long tokens = 0;
        for (int i = first; i < paragraphs.size(); i += step) {
            tokens += tokenizer.encode(paragraphs.get(i)).length + 1;  // + end of document, as the job counts
        }
        return tokens;
    }
}
