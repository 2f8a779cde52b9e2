package dev.mhcspark.notebooks;

/** A paragraph that did not compile or run: names the note, the paragraph's index and title, and what it printed. */
final class ParagraphFailure extends AssertionError {
    private final ZeppelinNote note;
    private final ZeppelinNote.NoteParagraph paragraph;

    ParagraphFailure(ZeppelinNote note, ZeppelinNote.NoteParagraph paragraph, String detail, Throwable cause) {
        super(note.describe() + ", " + paragraph.describe() + " failed: " + detail.strip(), cause);
        this.note = note;
        this.paragraph = paragraph;
    }

    ZeppelinNote note() {
        return note;
    }

    ZeppelinNote.NoteParagraph paragraph() {
        return paragraph;
    }
}
