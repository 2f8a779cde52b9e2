package dev.mhcspark.datasets.tokenize;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * Where a slice's documents begin, found from the file's bytes near a nominal offset, so that neighbouring slices
 * agree without talking to each other: a slice {@code [start, end)} reads the bytes {@code [at(start), at(end))}.
 *
 * <p>For lines and JSON Lines the boundary is the first line start at or after the offset: a line belongs to the
 * slice it starts in. For paragraphs it is the start of the first blank line (only whitespace, as
 * {@link Character#isWhitespace(int)} says of the decoded text) at or after that line start: a slice then begins
 * between two paragraphs, and a paragraph belongs to the slice its preceding blank line starts in. The bytes
 * before and after a boundary decode to the same text as the whole file does there: a line end is one byte that
 * no UTF-8 sequence contains, and a malformed sequence (U+FFFD when replaced) is never whitespace.
 */
final class SliceBoundary {
    private SliceBoundary() {
    }

    /**
     * The boundary at or after {@code offset}: 0 for 0; {@code fileSize} when none follows. Moves {@code in}.
     * Beyond ASCII, whitespace (U+1680, U+2000–U+200A less U+2007, U+2028, U+2029, U+205F, U+3000) is only ever
     * a three-byte sequence: other lead bytes, and malformed sequences, make a line not blank at once.
     */
    static long at(FSDataInputStream in, long offset, long fileSize, boolean paragraphs) throws IOException {
        if (offset <= 0) {
            return 0;
        }
        if (offset >= fileSize) {
            return fileSize;
        }
        in.seek(offset - 1);  // a line starts at offset if the byte before it ends one
        InputStream bytes = new BufferedInputStream(in, 1 << 16);  // not closed: that would close in
        long at = offset - 1;
        int b;
        do {
            b = bytes.read();
            at++;
        } while (b >= 0 && b != '\n');
        if (b < 0) {
            return fileSize;
        }
        if (!paragraphs) {
            return at;
        }
        while (true) {
            long lineStart = at;
            boolean blank = true;
            int pending = 0;  // continuation bytes still to come of a three-byte sequence
            int codePoint = 0;
            while ((b = bytes.read()) >= 0 && b != '\n') {
                at++;
                if (!blank) {
                    continue;  // to the line end
                }
                if (pending > 0) {
                    blank = (b & 0xC0) == 0x80;
                    codePoint = codePoint << 6 | (b & 0x3F);
                    if (blank && --pending == 0) {
                        blank = codePoint >= 0x800 && Character.isWhitespace(codePoint);
                    }
                } else if (b >= 0xE0 && b < 0xF0) {
                    pending = 2;
                    codePoint = b & 0x0F;
                } else {
                    blank = b < 0x80 && Character.isWhitespace(b);
                }
            }
            if (blank && pending == 0) {
                return lineStart;
            }
            if (b < 0) {
                return fileSize;
            }
            at++;  // the line end
        }
    }
}
