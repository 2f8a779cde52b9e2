package dev.mhcspark.datasets.tokenize;

/**
 * A document, or a piece of one: documents longer than the reader's piece size arrive as several pieces cut
 * where GPT-style pre-tokenizers cut anyway (before a letter or digit that follows a newline or a single
 * space), so tokenizing the pieces one by one gives the tokens of the whole document.
 *
 * @param text normalised text of this piece
 * @param first whether this piece starts its document
 * @param last whether this piece ends its document (the end-of-document token follows it)
 */
public record DocumentPiece(long docId, String text, boolean first, boolean last) {
}
