package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.tokenize.CorpusSettings.InvalidUtf8Policy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A corpus opened for reading on Spark: its files found and inspected (size, SHA-256, UTF-8 validity, with the
 * {@code --on-invalid-utf8} policy applied) and grouped into partitions of about {@code partitionBytes}, in
 * input order; a larger file is cut into {@link FileSlice}s where its format allows. Nothing is read further
 * until a job asks for documents.
 */
public final class Corpus {
    private static final Logger LOG = LoggerFactory.getLogger(Corpus.class);

    private final CorpusSettings settings;
    private final List<InputFile> inspected;
    private final List<InputFile> readable;
    private final JavaRDD<List<FileSlice>> partitions;
    private final SerializableConfiguration conf;

    private Corpus(CorpusSettings settings, List<InputFile> inspected, List<InputFile> readable,
                   JavaRDD<List<FileSlice>> partitions, SerializableConfiguration conf) {
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
        CompressionCodecFactory codecs = new CompressionCodecFactory(sc.hadoopConfiguration());
        List<FileSlice> slices = new ArrayList<>();
        for (InputFile file : readable) {
            slices.addAll(FileSlice.cut(file, settings.partitionBytes(),
                    DocumentReader.splittable(file, settings, codecs)));
        }
        List<List<FileSlice>> groups = group(slices, settings.partitionBytes());
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

    /** One element per partition: its files and slices of files, in input order. */
    public JavaRDD<List<FileSlice>> partitions() {
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
        return partitions.flatMap(slices -> texts(slices, s, c.value()));
    }

    private static Iterator<String> texts(List<FileSlice> slices, CorpusSettings settings, Configuration conf) {
        Iterator<DocumentPiece> pieces = DocumentReader.readAll(slices.iterator(), settings, conf,
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

    /** Partitions of roughly {@code targetBytes} of consecutive slices. */
    static List<List<FileSlice>> group(List<FileSlice> slices, long targetBytes) {
        List<List<FileSlice>> groups = new ArrayList<>();
        List<FileSlice> group = new ArrayList<>();
        long bytes = 0;
        for (FileSlice slice : slices) {
            if (!group.isEmpty() && bytes + slice.bytes() > targetBytes) {
                groups.add(List.copyOf(group));
                group.clear();
                bytes = 0;
            }
            group.add(slice);
            bytes += slice.bytes();
        }
        if (!group.isEmpty()) {
            groups.add(List.copyOf(group));
        }
        return groups;
    }
}
