package dev.mhcspark.jobs;

import dev.mhcspark.datasets.tokenize.Corpus;
import dev.mhcspark.datasets.tokenizer.BpeTokenizer;
import dev.mhcspark.datasets.tokenizer.BpeTrainer;
import dev.mhcspark.datasets.tokenizer.Tokenizer;
import dev.mhcspark.datasets.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mhc tokenizer train|encode|decode}: byte-level BPE training and tokenizer inspection. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Train a byte-level BPE tokenizer on a corpus, or encode/decode text with any tokenizer.",
        subcommands = {TokenizerCommand.Train.class, TokenizerCommand.Encode.class, TokenizerCommand.Decode.class})
final class TokenizerCommand {

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Train a byte-level BPE tokenizer (GPT-style pre-tokenization, cl100k_base regex) on a "
                    + "corpus with Spark and save it as a versioned JSON file.",
                    "Use it with --tokenizer bpe:<file> in tokenize, or let tokenize train one with bpe:<vocab size>."})
    static final class Train implements Callable<Integer> {
        @Mixin
        TokenizeCommand.CorpusOptions corpus;

        @Option(names = "--vocab-size", required = true, paramLabel = "N",
                description = "Ids wanted: 256 bytes + merges + <|endoftext|> (at least 258).")
        int vocabSize;

        @Option(names = "--min-pair-frequency", defaultValue = "2", paramLabel = "K",
                description = "Never merge a pair seen fewer times (training stops early). Default: ${DEFAULT-VALUE}.")
        long minPairFrequency;

        @Option(names = "--output", required = true, paramLabel = "FILE",
                description = "Tokenizer file to write (local or hdfs://); written atomically.")
        String output;

        @Mixin
        TokenizeCommand.SparkOptions spark;

        @Override
        public Integer call() throws IOException {
            BpeTrainer.Options options = new BpeTrainer.Options(vocabSize, minPairFrequency,
                    BpeTrainer.Options.DEFAULT_MAX_DISTINCT_WORDS);
            try (SparkSession session = spark.session("mhc tokenizer train")) {
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(session.sparkContext());
                long started = System.nanoTime();
                Corpus opened = Corpus.open(sc, corpus.settings(), System.out::println);
                BpeTokenizer saved = BpeTokenizer.save(new BpeTrainer(options).train(opened.texts()),
                        new Path(output), sc.hadoopConfiguration());
                System.out.printf("tokenizer: %,d ids trained on %,d bytes in %.1f s -> %s (sha256 %s)%n",
                        saved.vocabSize(), opened.readableBytes(), (System.nanoTime() - started) / 1e9,
                        saved.location(), saved.sha256());
            }
            return 0;
        }
    }

    @Command(name = "encode", mixinStandardHelpOptions = true,
            description = "Print the token ids of TEXT (or of standard input), space-separated.")
    static final class Encode implements Callable<Integer> {
        @Option(names = "--tokenizer", required = true, paramLabel = "SPEC",
                description = "byte | tiktoken:<encoding> | bpe:<tokenizer file>.")
        String tokenizer;

        @Parameters(arity = "0..1", paramLabel = "TEXT", description = "Text to encode (default: standard input).")
        String text;

        @Override
        public Integer call() throws IOException {
            Tokenizer tok = Tokenizers.load(tokenizer);
            String input = text != null ? text : new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            System.out.println(Arrays.stream(tok.encode(input)).mapToObj(Integer::toString)
                    .collect(Collectors.joining(" ")));
            return 0;
        }
    }

    @Command(name = "decode", mixinStandardHelpOptions = true,
            description = "Print the text of token IDS (or of whitespace-separated ids on standard input).")
    static final class Decode implements Callable<Integer> {
        @Option(names = "--tokenizer", required = true, paramLabel = "SPEC",
                description = "byte | tiktoken:<encoding> | bpe:<tokenizer file>.")
        String tokenizer;

        @Parameters(arity = "0..*", paramLabel = "IDS", description = "Token ids (default: standard input).")
        List<String> ids;

        @Override
        public Integer call() {
            Tokenizer tok = Tokenizers.load(tokenizer);
            List<String> words = ids;
            if (words == null || words.isEmpty()) {
                try {
                    words = Arrays.asList(new String(System.in.readAllBytes(), StandardCharsets.UTF_8).trim()
                            .split("\\s+"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            int[] tokens = new int[words.size()];
            for (int i = 0; i < tokens.length; i++) {
                try {
                    tokens[i] = Integer.parseInt(words.get(i));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("id " + (i + 1) + " ('" + words.get(i) + "') is not an integer");
                }
            }
            System.out.print(tok.decode(tokens));
            System.out.flush();
            return 0;
        }
    }
}
