package dev.mhcspark.datasets.tokenize;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.Partitioner;
import scala.Tuple2;

/**
 * Cuts a split's token stream (its blocks in order) into sequences of {@code T + 1} tokens: sequence {@code i}
 * is tokens {@code [i(T+1), (i+1)(T+1))} of the stream, whatever the partitioning; the incomplete tail is
 * dropped (the only tokens lost). Blocks become {@link Part}s keyed by their stream offset; a sequence that
 * straddles blocks is reassembled after the shuffle that also groups sequences into shards.
 */
final class SequencePacker implements Serializable {
    private final int sequenceTokens;
    private final Map<Long, Long> blockOffsets;
    private final long sequences;
    private final long streamTokens;

    /** Stream offsets of every block of one split, from the blocks' keys and lengths. */
    SequencePacker(int sequenceTokens, List<long[]> blockKeysAndLengths) {
        this.sequenceTokens = sequenceTokens;
        List<long[]> sorted = new ArrayList<>(blockKeysAndLengths);
        sorted.sort(Comparator.comparingLong(kl -> kl[0]));
        Map<Long, Long> offsets = new HashMap<>();
        long offset = 0;
        for (long[] kl : sorted) {
            offsets.put(kl[0], offset);
            offset += kl[1];
        }
        this.blockOffsets = offsets;
        this.streamTokens = offset;
        this.sequences = offset / sequenceTokens;
    }

    long sequences() {
        return sequences;
    }

    /** Tokens of the incomplete last sequence, which is not written. */
    long droppedTailTokens() {
        return streamTokens - sequences * sequenceTokens;
    }

    /** A run of tokens of one sequence: the whole sequence, or the part of it that one block holds. */
    record Part(long seqIndex, int offsetInSeq, int[] tokens, long docId) implements Serializable {
    }

    /** The parts of complete sequences that {@code block} holds, keyed by stream offset of their first token. */
    Iterator<Tuple2<Long, Part>> parts(TokenBlock block) {
        long start = blockOffsets.get(block.key());
        int[] tokens = block.tokens();
        long limit = sequences * sequenceTokens;  // tokens past it form the dropped tail
        List<Tuple2<Long, Part>> out = new ArrayList<>();
        int from = 0;
        while (from < tokens.length && start + from < limit) {
            long global = start + from;
            long seq = global / sequenceTokens;
            int offsetInSeq = (int) (global - seq * sequenceTokens);
            int n = Math.min(tokens.length - from, sequenceTokens - offsetInSeq);
            int[] run = from == 0 && n == tokens.length ? tokens : Arrays.copyOfRange(tokens, from, from + n);
            out.add(new Tuple2<>(global, new Part(seq, offsetInSeq, run, block.docIdAt(from))));
            from += n;
        }
        return out.iterator();
    }

    /** Sends sequence {@code i} to shard {@code i * shards / sequences}: contiguous, nearly equal shards. */
    static final class ShardPartitioner extends Partitioner {
        private final int sequenceTokens;
        private final long sequences;
        private final int shards;

        ShardPartitioner(int sequenceTokens, long sequences, int shards) {
            this.sequenceTokens = sequenceTokens;
            this.sequences = sequences;
            this.shards = shards;
        }

        @Override
        public int numPartitions() {
            return shards;
        }

        @Override
        public int getPartition(Object streamOffset) {
            long seq = (Long) streamOffset / sequenceTokens;
            return (int) (seq * shards / sequences);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ShardPartitioner p && p.sequenceTokens == sequenceTokens
                    && p.sequences == sequences && p.shards == shards;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sequences) * 31 + shards;
        }
    }

    /** Reassembles sequences from parts sorted by stream offset (all parts of a sequence are in one shard). */
    static Iterator<SequenceRow> assemble(Iterator<Tuple2<Long, Part>> sortedParts, int sequenceTokens) {
        return new Iterator<>() {
            private Part pending;

            @Override
            public boolean hasNext() {
                return pending != null || sortedParts.hasNext();
            }

            @Override
            public SequenceRow next() {
                Part first = pending != null ? pending : sortedParts.next()._2();
                pending = null;
                if (first.offsetInSeq() != 0) {
                    throw new IllegalStateException("sequence " + first.seqIndex() + " lost its first part");
                }
                int[] tokens = first.tokens();
                if (tokens.length < sequenceTokens) {
                    tokens = Arrays.copyOf(tokens, sequenceTokens);
                    int filled = first.tokens().length;
                    while (filled < sequenceTokens) {
                        if (!sortedParts.hasNext()) {
                            throw new NoSuchElementException("sequence " + first.seqIndex() + " is incomplete");
                        }
                        Part part = sortedParts.next()._2();
                        System.arraycopy(part.tokens(), 0, tokens, filled, part.tokens().length);
                        filled += part.tokens().length;
                    }
                }
                return new SequenceRow(first.seqIndex(), first.docId(), tokens);
            }
        };
    }
}
