package dev.mhcspark.datasets.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mhcspark.datasets.tokenize.CorpusSettings.DocSplit;
import dev.mhcspark.datasets.tokenize.CorpusSettings.InputFormat;
import dev.mhcspark.datasets.tokenize.CorpusSettings.InvalidUtf8Policy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.network.util.LimitedInputStream;

/**
 * Streams the documents of one input file, or of a {@link FileSlice} of it, as {@link DocumentPiece}s,
 * normalised, with empty documents and bad records counted rather than emitted. Memory stays bounded by the
 * piece size for text files of any length (a 100 MB line included); a JSON Lines record or Parquet value is
 * held whole.
 *
 * <p>Document ids are the file's {@link InputFile#documentId}s of ordinals: Parquet row numbers; for text and
 * JSON Lines, counted from the first byte of the slice's region (0 for a whole file): a slice's documents are
 * never more than its bytes, so ids stay unique and in file order across the slices of a file.
 */
public final class DocumentReader implements Iterator<DocumentPiece>, AutoCloseable {
    /** Counters a reader adds to; shared with the partition's statistics. */
    public interface Counts {
        void emptyDocument();

        void badRecord();

        void invalidUtf8();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InputFile file;
    private final FileSlice slice;
    private final CorpusSettings settings;
    private final Counts counts;
    private final int maxPieceChars;
    private final ArrayDeque<DocumentPiece> ready = new ArrayDeque<>();
    private final AutoCloseable resource;
    private final Producer producer;
    private boolean exhausted;
    /** The first byte of what this reader reads: ordinals count from it. */
    private long ordinalBase;

    /** Fills {@code ready} with at least one piece, or returns false at the end of the file. */
    private interface Producer {
        boolean produce() throws IOException;
    }

    public DocumentReader(FileSlice slice, CorpusSettings settings, Configuration conf, Counts counts,
                          int maxPieceChars) {
        this.file = slice.file();
        this.slice = slice;
        this.settings = settings;
        this.counts = counts;
        this.maxPieceChars = maxPieceChars;
        try {
            if (file.format() == InputFormat.PARQUET) {
                ParquetReader<Group> reader = openParquet(conf);
                this.resource = reader;
                this.producer = parquetProducer(reader);
            } else {
                Reader reader = openText(conf);
                this.resource = reader;
                this.producer = file.format() == InputFormat.JSONL
                        ? jsonLinesProducer(new BufferedReader(reader, 1 << 16))
                        : new TextProducer(reader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file.path() + ": cannot open: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && !exhausted) {
            try {
                exhausted = !producer.produce();
            } catch (MalformedInputException e) {
                throw new IllegalArgumentException(file.path() + ": not valid UTF-8 (" + e.getMessage()
                        + "); use --on-invalid-utf8 skip|replace to go on");
            } catch (IOException e) {
                throw new UncheckedIOException(file.path() + ": read failed: " + e.getMessage(), e);
            }
        }
        return !ready.isEmpty();
    }

    @Override
    public DocumentPiece next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (Exception e) {
            throw new IllegalStateException(file.path() + ": close failed: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code file} can be read in slices: Parquet (by row groups), JSON Lines, or uncompressed text cut
     * into lines or paragraphs. (A whole-file document or a compressed stream is read by one task.)
     */
    public static boolean splittable(InputFile file, CorpusSettings settings, CompressionCodecFactory codecs) {
        boolean lines = file.format() == InputFormat.JSONL
                || file.format() == InputFormat.TEXT && settings.docSplit() != DocSplit.FILE;
        return file.format() == InputFormat.PARQUET || lines && codecs.getCodec(new Path(file.path())) == null;
    }

    private long documentId(long ordinal) {
        return file.documentId(ordinalBase + ordinal);
    }

    private Reader openText(Configuration conf) throws IOException {
        Path path = new Path(file.path());
        CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
        FSDataInputStream raw = path.getFileSystem(conf).open(path);
        InputStream in = raw;
        if (!slice.isWhole()) {
            try {
                if (!splittable(file, settings, codecs)) {
                    throw new IllegalStateException(file.path() + " cannot be read in slices");
                }
                boolean paragraphs = file.format() == InputFormat.TEXT && settings.docSplit() == DocSplit.BLANK_LINE;
                ordinalBase = SliceBoundary.at(raw, slice.start(), file.bytes(), paragraphs);
                long end = SliceBoundary.at(raw, slice.end(), file.bytes(), paragraphs);
                raw.seek(ordinalBase);
                in = new LimitedInputStream(raw, end - ordinalBase);
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        }
        CompressionCodec codec = codecs.getCodec(path);
        if (codec != null) {
            in = codec.createInputStream(in);
        }
        CodingErrorAction onError = settings.onInvalidUtf8() == InvalidUtf8Policy.REPLACE
                ? CodingErrorAction.REPLACE : CodingErrorAction.REPORT;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(onError).onUnmappableCharacter(onError);
        return new InputStreamReader(in, decoder);
    }

    /** Emits a whole, short document, or counts it as empty. */
    private void emitWhole(long ordinal, String raw) {
        String text = settings.normalization().apply(raw);
        if (text.isBlank()) {
            counts.emptyDocument();
        } else {
            ready.add(new DocumentPiece(documentId(ordinal), text, true, true));
        }
    }

    private Producer jsonLinesProducer(BufferedReader reader) {
        long[] lineIndex = {-1};
        return () -> {
            String line;
            while ((line = reader.readLine()) != null) {
                lineIndex[0]++;
                if (line.isBlank()) {
                    continue;
                }
                String text = jsonText(line, lineIndex[0] + 1);
                if (text != null) {
                    emitWhole(lineIndex[0], text);
                    return true;
                }
            }
            return false;
        };
    }

    private String jsonText(String line, long lineNumber) {
        String problem;
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode field = node == null || !node.isObject() ? null : node.get(settings.textField());
            if (field != null && field.isTextual()) {
                return field.textValue();
            }
            problem = node == null || !node.isObject() ? "is not a JSON object"
                    : field == null || field.isNull() ? "has no \"" + settings.textField() + "\" field"
                    : "has a non-string \"" + settings.textField() + "\" field (" + field.getNodeType() + ")";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            problem = "is not valid JSON (" + e.getOriginalMessage() + ")";
        }
        if (!settings.skipBadRecords()) {
            String where = ordinalBase == 0 ? file.path() + ":" + lineNumber  // a whole file, or its first slice
                    : file.path() + ": line " + lineNumber + " after byte " + ordinalBase;
            throw new IllegalArgumentException(where + ": line " + problem
                    + "; expected one JSON object per line with a string field \"" + settings.textField()
                    + "\" (--text-field), or pass --skip-bad-records");
        }
        counts.badRecord();
        return null;
    }

    private ParquetReader<Group> openParquet(Configuration conf) throws IOException {
        Path path = new Path(file.path());
        MessageType schema;
        // the slice reads the row groups whose midpoint lies in it (parquet-mr's rule, for a whole file all of
        // them) and numbers rows on from the row groups before it: ordinals are row numbers in the file
        ParquetReadOptions before = HadoopReadOptions.builder(conf).withRange(0, slice.start()).build();
        try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf), before)) {
            schema = footer.getFooter().getFileMetaData().getSchema();
            ordinalBase = footer.getRowGroups().stream().mapToLong(BlockMetaData::getRowCount).sum();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file.path() + ": not a readable Parquet file: " + e.getMessage(), e);
        }
        String column = settings.textField();
        if (!schema.containsField(column)) {
            throw new IllegalArgumentException(file.path() + ": no column \"" + column + "\" (--text-field); "
                    + "columns are " + schema.getFields().stream().map(Type::getName).toList());
        }
        Type type = schema.getType(column);
        if (!type.isPrimitive()
                || type.asPrimitiveType().getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.BINARY
                || !(type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation)) {
            throw new IllegalArgumentException(file.path() + ": column \"" + column + "\" is " + type
                    + "; expected a string column (binary, UTF8)");
        }
        Configuration projected = new Configuration(conf);
        projected.set("parquet.read.schema", new MessageType(schema.getName(), type).toString());
        return ParquetReader.builder(new GroupReadSupport(), path).withConf(projected)
                .withFileRange(slice.start(), slice.end()).build();
    }

    private Producer parquetProducer(ParquetReader<Group> reader) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        long[] row = {-1};
        return () -> {
            Group group;
            while ((group = reader.read()) != null) {
                row[0]++;
                if (group.getFieldRepetitionCount(settings.textField()) == 0) {
                    counts.emptyDocument();  // null value
                    continue;
                }
                Binary value = group.getBinary(settings.textField(), 0);
                String text = decodeParquetValue(decoder, value, row[0]);
                if (text != null) {
                    emitWhole(row[0], text);
                    return true;
                }
            }
            return false;
        };
    }

    private String decodeParquetValue(CharsetDecoder decoder, Binary value, long row) {
        ByteBuffer bytes = value.toByteBuffer();
        try {
            return decoder.reset().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            switch (settings.onInvalidUtf8()) {
                case FAIL -> throw new IllegalArgumentException(file.path() + ": row " + row + " of column \""
                        + settings.textField() + "\" is not valid UTF-8; use --on-invalid-utf8 skip|replace to go on");
                case SKIP -> {
                    counts.invalidUtf8();
                    return null;
                }
                default -> {
                    counts.invalidUtf8();
                    return new String(value.getBytes(), StandardCharsets.UTF_8);
                }
            }
        }
    }

    /**
     * Plain text, scanned a chunk at a time for line ends and copied in runs, so that no line or document is ever
     * held whole: the document buffer is cut into pieces once it passes twice the piece size.
     */
    private final class TextProducer implements Producer {
        private final Reader reader;
        private final char[] chunk = new char[1 << 16];
        private final StringBuilder doc = new StringBuilder();
        private final DocSplit split = settings.docSplit();
        private long ordinal;
        private boolean piecesEmitted;
        /** start, in {@code doc}, of the current line (blank-line mode), or -1 once part of it was cut off */
        private int lineStart;
        /** whether the current line is whole in {@code doc} and all whitespace so far (blank-line mode) */
        private boolean lineBlank = true;
        private boolean atEnd;

        TextProducer(Reader reader) {
            this.reader = reader;
        }

        @Override
        public boolean produce() throws IOException {
            int n;
            while (ready.isEmpty() && (n = reader.read(chunk)) > 0) {
                consume(n);
            }
            if (!ready.isEmpty()) {
                return true;
            }
            if (!atEnd) {
                atEnd = true;
                if (split == DocSplit.BLANK_LINE && lineStart >= 0 && lineBlank) {
                    doc.setLength(lineStart);  // a last line of only whitespace ends the paragraph as a blank one would
                }
                endDocument();  // in file mode this emits (or counts as empty) the file's one document
            }
            return !ready.isEmpty();
        }

        private void consume(int n) {
            int from = 0;
            while (from < n) {
                int newline = split == DocSplit.FILE ? n : from;
                while (newline < n && chunk[newline] != '\n') {
                    newline++;
                }
                append(from, newline);
                if (newline == n) {
                    return;
                }
                endLine();
                from = newline + 1;
            }
        }

        /** Appends {@code chunk[from, to)}, which holds no line end, cutting a piece off whenever doc reaches two. */
        private void append(int from, int to) {
            while (from < to) {
                int take = Math.min(to - from, Math.max(1, 2 * maxPieceChars - doc.length()));
                if (lineBlank) {
                    for (int i = from; i < from + take && lineBlank; i++) {
                        lineBlank = Character.isWhitespace(chunk[i]);
                    }
                }
                doc.append(chunk, from, take);
                from += take;
                if (doc.length() >= 2 * maxPieceChars) {
                    emitPiece();
                }
            }
        }

        private void endLine() {
            if (split == DocSplit.LINE) {
                endDocument();
            } else if (lineStart >= 0 && lineBlank) {
                doc.setLength(lineStart);
                endDocument();
            } else {
                doc.append('\n');
                lineStart = doc.length();
                lineBlank = true;
            }
        }

        private void emitPiece() {
            int cut = safeCut(doc, maxPieceChars);
            ready.add(new DocumentPiece(documentId(ordinal),
                    settings.normalization().apply(doc.substring(0, cut)), !piecesEmitted, false));
            doc.delete(0, cut);
            lineStart = lineStart >= cut ? lineStart - cut : -1;
            lineBlank &= lineStart >= 0;
            piecesEmitted = true;
        }

        private void endDocument() {
            if (split != DocSplit.FILE) {
                int end = doc.length();
                while (end > 0 && (doc.charAt(end - 1) == '\r' || doc.charAt(end - 1) == '\n')) {
                    end--;  // the line terminator is not part of a line or paragraph
                }
                doc.setLength(end);
            }
            if (piecesEmitted) {
                ready.add(new DocumentPiece(documentId(ordinal), settings.normalization().apply(doc.toString()),
                        false, true));
                ordinal++;
            } else if (doc.length() > 0 || split == DocSplit.FILE) {
                emitWhole(ordinal++, doc.toString());
            }
            doc.setLength(0);
            lineStart = 0;
            lineBlank = true;
            piecesEmitted = false;
        }
    }

    /**
     * Where to cut {@code text} near {@code target} so that GPT-style pre-tokenizers would have cut there too:
     * before a letter or digit that follows a newline, else before a space that follows a non-space and precedes
     * a letter or digit, else (text without such spots) at a code point boundary.
     */
    static int safeCut(CharSequence text, int target) {
        int lowest = target / 2;
        for (int i = target; i > lowest; i--) {
            if (text.charAt(i - 1) == '\n' && Character.isLetterOrDigit(text.charAt(i))) {
                return i;
            }
        }
        for (int i = target; i > lowest; i--) {
            if (text.charAt(i) == ' ' && !Character.isWhitespace(text.charAt(i - 1))
                    && Character.isLetterOrDigit(text.charAt(i + 1))) {
                return i;
            }
        }
        return Character.isLowSurrogate(text.charAt(target)) ? target + 1 : target;
    }

    /** The pieces of {@code slices}, one after another, each opened only when reached and closed at its end. */
    public static Iterator<DocumentPiece> readAll(Iterator<FileSlice> slices, CorpusSettings settings,
                                                  Configuration conf, Counts counts, int maxPieceChars) {
        return new Iterator<>() {
            private DocumentReader reader;

            @Override
            public boolean hasNext() {
                while (reader == null || !reader.hasNext()) {
                    if (reader != null) {
                        reader.close();
                        reader = null;
                    }
                    if (!slices.hasNext()) {
                        return false;
                    }
                    reader = new DocumentReader(slices.next(), settings, conf, counts, maxPieceChars);
                }
                return true;
            }

            @Override
            public DocumentPiece next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return reader.next();
            }
        };
    }
}
