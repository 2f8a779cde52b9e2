package dev.mhcspark.datasets.tokenize;

import dev.mhcspark.datasets.tokenizer.BpeTokenizer;
import dev.mhcspark.datasets.tokenizer.BpeTrainer;
import dev.mhcspark.datasets.tokenizer.Tokenizer;
import dev.mhcspark.datasets.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;

/**
 * The tokenizer of a dataset being written: {@code byte} and {@code tiktoken:<encoding>} as they are; a BPE file
 * ({@code bpe:<path>}) is copied into the dataset, and {@code bpe:<vocab size>} trains one on the corpus first
 * (a Spark job) and saves it there. Either way a BPE dataset carries its {@code tokenizer.json}, and its
 * manifest names it {@code bpe:tokenizer.json}, relative to the dataset.
 */
public final class DatasetTokenizer implements TokenizeJob.TokenizerResolver {
    public static final String FILE_NAME = "tokenizer.json";
    private static final Pattern TRAIN = Pattern.compile("bpe:(\\d+)");

    private final Configuration conf;
    private final Consumer<String> console;

    public DatasetTokenizer(Configuration conf, Consumer<String> console) {
        this.conf = conf;
        this.console = console;
    }

    @Override
    public Tokenizer resolve(String spec, JavaRDD<String> documents, Path datasetDir) {
        Path file = new Path(datasetDir, FILE_NAME);
        try {
            Matcher train = TRAIN.matcher(spec);
            if (train.matches()) {
                int vocabSize = Integer.parseInt(train.group(1));
                BpeTrainer.Options options = BpeTrainer.Options.of(vocabSize);
                console.accept(String.format("tokenize: training a byte-level BPE tokenizer of %,d ids on the corpus",
                        vocabSize));
                long started = System.nanoTime();
                BpeTokenizer trained = BpeTokenizer.save(new BpeTrainer(options).train(documents), file, conf);
                console.accept(String.format("tokenize: BPE trained in %.1f s: %,d ids", (System.nanoTime() - started)
                        / 1e9, trained.vocabSize()));
            } else if (spec.startsWith(BpeTokenizer.SPEC_PREFIX)) {
                BpeTokenizer given = (BpeTokenizer) Tokenizers.load(spec, null, conf);  // validates the file
                Path source = new Path(given.location());
                FileUtil.copy(source.getFileSystem(conf), source, file.getFileSystem(conf), file, false, conf);
            } else {
                return Tokenizers.load(spec);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("tokenizer " + spec + ": " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--tokenizer " + spec + ": vocabulary size out of range");
        }
        return Tokenizers.load(BpeTokenizer.SPEC_PREFIX + FILE_NAME, datasetDir, conf);
    }
}
