package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.tokenize.CorpusSettings.InvalidUtf8Policy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A corpus opened for reading on Spark: its files found and inspected (size, SHA-256, UTF-8 validity, with the
 * {@code --on-invalid-utf8} policy applied) and grouped into partitions of about {@code partitionBytes}, in
 * input order. Nothing is read further until a job asks for documents.
 */
public final class Corpus {
    private static final Logger LOG = LoggerFactory.getLogger(Corpus.class);

    private final CorpusSettings settings;
    private final List<InputFile> inspected;
    private final List<InputFile> readable;
    private final JavaRDD<List<InputFile>> partitions;
    private final SerializableConfiguration conf;

    private Corpus(CorpusSettings settings, List<InputFile> inspected, List<InputFile> readable,
                   JavaRDD<List<InputFile>> partitions, SerializableConfiguration conf) {
        this.settings = settings;
        this.inspected = inspected;
        this.readable = readable;
        this.partitions = partitions;
        this.conf = conf;
    }

    public static Corpus open(JavaSparkContext sc, CorpusSettings settings, Consumer<String> console) {
        List<String> paths = InputFiles.expand(settings.inputs(), sc.hadoopConfiguration());
        console.accept(String.format("corpus: %d input file(s); inspecting (size, SHA-256, UTF-8)", paths.size()));
        List<InputFile> inspected = InputFiles.inspect(sc, paths, settings.format());
        List<InputFile> readable = new ArrayList<>();
        for (InputFile file : inspected) {
            if (file.validUtf8() || settings.onInvalidUtf8() == InvalidUtf8Policy.REPLACE) {
                readable.add(file);
            } else if (settings.onInvalidUtf8() == InvalidUtf8Policy.FAIL) {
                throw new IllegalArgumentException(file.path() + ": not valid UTF-8 (first malformed byte at offset "
                        + file.invalidUtf8Offset() + "); use --on-invalid-utf8 skip|replace to go on");
            } else {
                LOG.warn("{}: not valid UTF-8 at byte {}; skipped (--on-invalid-utf8 skip)", file.path(),
                        file.invalidUtf8Offset());
            }
        }
        List<List<InputFile>> groups = group(readable, settings.partitionBytes());
        return new Corpus(settings, List.copyOf(inspected), List.copyOf(readable),
                sc.parallelize(groups, Math.max(1, groups.size())),
                new SerializableConfiguration(sc.hadoopConfiguration()));
    }

    public CorpusSettings settings() {
        return settings;
    }

    /** Every input file, readable or not, in input order. */
    public List<InputFile> inspected() {
        return inspected;
    }

    public List<InputFile> readable() {
        return readable;
    }

    public long readableBytes() {
        return readable.stream().mapToLong(InputFile::bytes).sum();
    }

    /** Input files skipped for invalid UTF-8. */
    public long skippedFiles() {
        return inspected.size() - readable.size();
    }

    /** One element per partition: its files. */
    public JavaRDD<List<InputFile>> partitions() {
        return partitions;
    }

    SerializableConfiguration hadoopConf() {
        return conf;
    }

    /**
     * The normalised text of every document for tokenizer training; long documents come in pieces, cut where
     * pre-tokenization cuts anyway, so training sees the same words.
     */
    public JavaRDD<String> texts() {
        CorpusSettings s = settings;
        SerializableConfiguration c = conf;
        return partitions.flatMap(files -> texts(files, s, c.value()));
    }

    private static Iterator<String> texts(List<InputFile> files, CorpusSettings settings, Configuration conf) {
        Iterator<DocumentPiece> pieces = DocumentReader.readAll(files.iterator(), settings, conf,
                new PartitionStats(), PartitionTokenizer.DEFAULT_PIECE_CHARS);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pieces.hasNext();
            }

            @Override
            public String next() {
                return pieces.next().text();
            }
        };
    }

    /** Partitions of roughly {@code targetBytes} of consecutive files (a file is never split). */
    static List<List<InputFile>> group(List<InputFile> files, long targetBytes) {
        List<List<InputFile>> groups = new ArrayList<>();
        List<InputFile> group = new ArrayList<>();
        long bytes = 0;
        for (InputFile file : files) {
            if (!group.isEmpty() && bytes + file.bytes() > targetBytes) {
                groups.add(List.copyOf(group));
                group.clear();
                bytes = 0;
            }
            group.add(file);
            bytes += file.bytes();
        }
        if (!group.isEmpty()) {
            groups.add(List.copyOf(group));
        }
        return groups;
    }
}
