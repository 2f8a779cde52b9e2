package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.io.Checksums;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * Exact duplicate detection ({@code --dedup}): documents are keyed by the SHA-256 of their whole normalised
 * text; of each group of equal documents the first in input order (lowest document id) is kept.
 */
final class Deduplication {
    private Deduplication() {
    }

    /** Sorted ids of every document that repeats an earlier one. One pass over the inputs plus a shuffle of hashes. */
    static long[] laterCopies(Corpus corpus, int pieceChars) {
        CorpusSettings settings = corpus.settings();
        SerializableConfiguration conf = corpus.hadoopConf();
        List<Long> ids = corpus.partitions()
                .flatMapToPair(slices -> hashes(slices, settings, conf, pieceChars))
                .groupByKey()
                .flatMap(group -> {
                    List<Long> later = new ArrayList<>();
                    group._2().forEach(later::add);
                    later.sort(null);
                    return later.subList(1, later.size()).iterator();
                })
                .collect();
        return ids.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static Iterator<Tuple2<String, Long>> hashes(List<FileSlice> slices, CorpusSettings settings,
                                                         SerializableConfiguration conf, int pieceChars) {
        Iterator<DocumentPiece> pieces = DocumentReader.readAll(slices.iterator(), settings, conf.value(),
                new PartitionStats(), pieceChars);
        MessageDigest sha256 = Checksums.newSha256();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pieces.hasNext();
            }

            @Override
            public Tuple2<String, Long> next() {
                DocumentPiece piece;
                do {
                    piece = pieces.next();
                    sha256.update(piece.text().getBytes(StandardCharsets.UTF_8));
                } while (!piece.last());
                return new Tuple2<>(HexFormat.of().formatHex(sha256.digest()), piece.docId());
            }
        };
    }
}
