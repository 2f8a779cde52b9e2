package dev.mhcspark.datasets.tokenizer;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Trains a byte-level BPE vocabulary on a Spark collection of documents. Executors split the documents into
 * pieces (words, with the vocabulary's regex) and count each distinct piece; the driver collects the counts and
 * learns the merges (see BpeMergeLearner), so the driver must hold the distinct pieces (capped by
 * {@link Options#maxDistinctWords}). Deterministic: the same corpus and options give the same merges.
 */
public final class BpeTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(BpeTrainer.class);

    /**
     * @param vocabSize        ids wanted: 256 bytes + merges + {@code <|endoftext|>}, so at least 258
     * @param minPairFrequency a pair seen fewer times than this is never merged; training stops early (with a
     *                         smaller vocabulary) when no pair is that frequent
     * @param maxDistinctWords the driver keeps at most this many distinct pieces, the most frequent ones
     */
    public record Options(int vocabSize, long minPairFrequency, int maxDistinctWords) implements Serializable {
        public static final long DEFAULT_MIN_PAIR_FREQUENCY = 2;
        public static final int DEFAULT_MAX_DISTINCT_WORDS = 2_000_000;
        /** The bytes, one merge and {@code <|endoftext|>}. */
        public static final int MIN_VOCAB_SIZE = 258;

        public Options {
            if (vocabSize < MIN_VOCAB_SIZE) {
                throw new IllegalArgumentException("BPE vocab size: must be at least " + MIN_VOCAB_SIZE
                        + " (256 bytes + 1 merge + " + BpeVocabulary.END_OF_TEXT + "), got " + vocabSize);
            }
            if (minPairFrequency < 1) {
                throw new IllegalArgumentException("BPE min pair frequency: must be at least 1, got "
                        + minPairFrequency);
            }
            if (maxDistinctWords < 1) {
                throw new IllegalArgumentException("BPE max distinct words: must be at least 1, got "
                        + maxDistinctWords);
            }
        }

        /** {@code vocabSize} with the default minimum pair frequency (2) and distinct-word cap (2,000,000). */
        public static Options of(int vocabSize) {
            return new Options(vocabSize, DEFAULT_MIN_PAIR_FREQUENCY, DEFAULT_MAX_DISTINCT_WORDS);
        }

        int targetMerges() {
            return vocabSize - 257;
        }
    }

    private final Options options;
    private final String pattern;

    /** A trainer that pre-tokenizes with {@link BpeVocabulary#DEFAULT_PATTERN} (tiktoken's cl100k_base regex). */
    public BpeTrainer(Options options) {
        this(options, BpeVocabulary.DEFAULT_PATTERN);
    }

    /** @param pattern the pre-tokenization regex (Java syntax, compiled with UNICODE_CHARACTER_CLASS) */
    public BpeTrainer(Options options, String pattern) {
        this.options = options;
        this.pattern = pattern;
        new PreTokenizer(pattern);  // fail now, on the driver, on a bad pattern
    }

    public BpeVocabulary train(Dataset<String> documents) {
        return train(documents.javaRDD());
    }

    public BpeVocabulary train(JavaRDD<String> documents) {
        long start = System.nanoTime();
        PreTokenizer preTokenizer = new PreTokenizer(pattern);
        JavaPairRDD<String, Long> pieceCounts = documents
                .flatMapToPair(document -> new PieceOnes(preTokenizer.pieces(document)))
                .reduceByKey(Long::sum)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            CorpusTotals totals = pieceCounts.aggregate(new CorpusTotals(0, 0, 0), CorpusTotals::add,
                    CorpusTotals::plus);
            List<Tuple2<String, Long>> kept = totals.distinct() <= options.maxDistinctWords()
                    ? pieceCounts.collect()
                    : pieceCounts.takeOrdered(options.maxDistinctWords(), new MostFrequentFirst());
            LOG.info("BPE: {} bytes in {} pieces, {} distinct{}; counting took {} s", totals.bytes(),
                    totals.occurrences(), totals.distinct(), kept.size() < totals.distinct()
                            ? ", keeping the " + kept.size() + " most frequent" : "",
                    secondsSince(start));
            int[][] words = new int[kept.size()][];
            long[] counts = new long[kept.size()];
            for (int w = 0; w < words.length; w++) {
                byte[] bytes = kept.get(w)._1().getBytes(StandardCharsets.UTF_8);
                words[w] = new int[bytes.length];
                for (int i = 0; i < bytes.length; i++) {
                    words[w][i] = bytes[i] & 0xFF;
                }
                counts[w] = kept.get(w)._2();
            }
            BpeMergeLearner.Result merges = new BpeMergeLearner(words, counts)
                    .learn(options.targetMerges(), options.minPairFrequency());
            Map<String, Object> trainedOn = new LinkedHashMap<>();
            trainedOn.put("bytes", totals.bytes());
            trainedOn.put("pieces", totals.occurrences());
            trainedOn.put("distinct_pieces", totals.distinct());
            trainedOn.put("distinct_pieces_used", kept.size());
            trainedOn.put("vocab_size_requested", options.vocabSize());
            trainedOn.put("min_pair_frequency", options.minPairFrequency());
            trainedOn.put("stopped_early", merges.stoppedEarly());
            BpeVocabulary vocabulary = new BpeVocabulary(pattern, merges.left(), merges.right(), trainedOn);
            LOG.info("BPE: trained {} merges (vocabulary {}) in {} s", vocabulary.mergeCount(),
                    vocabulary.vocabSize(), secondsSince(start));
            return vocabulary;
        } finally {
            pieceCounts.unpersist(false);
        }
    }

    static String secondsSince(long startNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e9);
    }

    /** (piece, 1) for each piece of a document, lazily: a 100 MB document is never a list of pieces. */
    private static final class PieceOnes implements Iterator<Tuple2<String, Long>> {
        private final Iterator<String> pieces;

        PieceOnes(Iterator<String> pieces) {
            this.pieces = pieces;
        }

        @Override
        public boolean hasNext() {
            return pieces.hasNext();
        }

        @Override
        public Tuple2<String, Long> next() {
            return new Tuple2<>(pieces.next(), 1L);
        }
    }

    /** Distinct pieces, their occurrences, and the UTF-8 bytes of those occurrences (= of the corpus). */
    private record CorpusTotals(long distinct, long occurrences, long bytes) implements Serializable {
        CorpusTotals add(Tuple2<String, Long> piece) {
            long utf8 = piece._1().getBytes(StandardCharsets.UTF_8).length;
            return new CorpusTotals(distinct + 1, occurrences + piece._2(), bytes + utf8 * piece._2());
        }

        CorpusTotals plus(CorpusTotals other) {
            return new CorpusTotals(distinct + other.distinct, occurrences + other.occurrences, bytes + other.bytes);
        }
    }

    /** Count descending, then the piece: a total order, so which pieces are kept does not depend on partitioning. */
    private static final class MostFrequentFirst implements Comparator<Tuple2<String, Long>>, Serializable {
        @Override
        public int compare(Tuple2<String, Long> x, Tuple2<String, Long> y) {
            int byCount = Long.compare(y._2(), x._2());
            return byCount != 0 ? byCount : x._1().compareTo(y._1());
        }
    }
}
