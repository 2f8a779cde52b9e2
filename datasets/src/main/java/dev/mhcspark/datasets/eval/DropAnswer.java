package dev.mhcspark.datasets.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One DROP gold answer as the official data release writes it: {@code {"number": "12", "date": {"day": "",
 * "month": "", "year": ""}, "spans": []}}, of which the first non-empty part counts, in the official order
 * ({@code answer_json_to_strings}): a number gives {@code [number]} (type {@code number}); else spans give the spans
 * ({@code span} for one, {@code spans} for several); else the date gives {@code ["day month year"]} ({@code date}).
 * Immutable.
 */
public final class DropAnswer {
    private final String number;
    private final List<String> spans;
    private final String[] date; // day, month, year; null when the answer has no date object

    private DropAnswer(String number, List<String> spans, String[] date) {
        this.number = Objects.requireNonNull(number, "number");
        this.spans = List.copyOf(spans);
        boolean blankDate = date != null && date[0].isEmpty() && date[1].isEmpty() && date[2].isEmpty();
        // the official files give every answer an all-empty date; it only counts when there is nothing else
        this.date = blankDate && !(number.isEmpty() && spans.isEmpty()) ? null : date;
        if (number.isEmpty() && spans.isEmpty() && date == null) {
            throw new IllegalArgumentException("a DROP answer needs a number, spans or a date");
        }
    }

    /** Spans given directly (the gold lists of a prediction file): type {@code span} or {@code spans}. */
    public static DropAnswer ofSpans(List<String> spans) {
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("a span answer needs at least one span");
        }
        return new DropAnswer("", spans, null);
    }

    public static DropAnswer ofNumber(String number) {
        if (number.isEmpty()) {
            throw new IllegalArgumentException("a number answer needs a number");
        }
        return new DropAnswer(number, List.of(), null);
    }

    /** A date answer; empty strings for the parts the answer leaves out (e.g. a year alone). */
    public static DropAnswer ofDate(String day, String month, String year) {
        return new DropAnswer("", List.of(), new String[] {day, month, year});
    }

    /**
     * Reads an official answer object. {@code where} names it in error messages (file, line, field).
     *
     * @throws IllegalArgumentException when it is not an object with a number, spans or a date of the official shape
     */
    public static DropAnswer fromJson(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": expected an answer object {\"number\", \"date\": {\"day\", "
                    + "\"month\", \"year\"}, \"spans\"}, got " + describe(node));
        }
        String number = "";
        JsonNode n = node.get("number");
        if (n != null && !n.isNull()) {
            if (n.isTextual()) {
                number = n.textValue();
            } else if (n.isIntegralNumber()) {
                number = n.bigIntegerValue().signum() == 0 ? "" : n.bigIntegerValue().toString(); // 0 is falsy
            } else if (n.isNumber()) {
                number = n.doubleValue() == 0 ? "" : PythonFloat.repr(n.doubleValue());
            } else {
                throw new IllegalArgumentException(where + ".number: expected a string, got " + describe(n));
            }
        }
        List<String> spans = new ArrayList<>();
        JsonNode s = node.get("spans");
        if (s != null && !s.isNull()) {
            if (!s.isArray()) {
                throw new IllegalArgumentException(where + ".spans: expected an array of strings, got " + describe(s));
            }
            for (int i = 0; i < s.size(); i++) {
                if (!s.get(i).isTextual()) {
                    throw new IllegalArgumentException(where + ".spans[" + i + "]: expected a string, got "
                            + describe(s.get(i)));
                }
                spans.add(s.get(i).textValue());
            }
        }
        String[] date = null;
        JsonNode d = node.get("date");
        if (d != null && !d.isNull()) {
            if (!d.isObject()) {
                throw new IllegalArgumentException(where + ".date: expected an object {\"day\", \"month\", \"year\"}, "
                        + "got " + describe(d));
            }
            date = new String[3];
            String[] parts = {"day", "month", "year"};
            for (int i = 0; i < 3; i++) {
                JsonNode part = d.get(parts[i]);
                if (part == null || !(part.isTextual() || part.isNumber())) {
                    throw new IllegalArgumentException(where + ".date." + parts[i] + ": expected a string (\"\" when "
                            + "absent), got " + describe(part));
                }
                date[i] = part.isTextual() ? part.textValue() : part.asText();
            }
        }
        if (number.isEmpty() && spans.isEmpty() && date == null) {
            throw new IllegalArgumentException(where + ": the answer has no number, spans or date");
        }
        return new DropAnswer(number, spans, date);
    }

    /** The gold strings the official evaluator scores against. */
    public List<String> strings() {
        if (!number.isEmpty()) {
            return List.of(number);
        }
        if (!spans.isEmpty()) {
            return spans;
        }
        return List.of(date[0] + " " + date[1] + " " + date[2]);
    }

    /** {@code number}, {@code span}, {@code spans} or {@code date}. */
    public String type() {
        if (!number.isEmpty()) {
            return "number";
        }
        if (!spans.isEmpty()) {
            return spans.size() == 1 ? "span" : "spans";
        }
        return "date";
    }

    public String number() {
        return number;
    }

    public List<String> spans() {
        return spans;
    }

    /** Day, month and year ("" where absent); empty strings when the answer has no date. */
    public List<String> date() {
        return date == null ? List.of("", "", "") : List.of(date);
    }

    /** The official object, all three parts present. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("number", number);
        ObjectNode d = o.putObject("date");
        List<String> parts = date();
        d.put("day", parts.get(0));
        d.put("month", parts.get(1));
        d.put("year", parts.get(2));
        spans.forEach(o.putArray("spans")::add);
        return o;
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing (field missing)";
        }
        if (node.isNull()) {
            return "null";
        }
        String text = node.toString();
        String type = node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        return type + " " + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DropAnswer a && number.equals(a.number) && spans.equals(a.spans)
                && java.util.Arrays.equals(date, a.date);
    }

    @Override
    public int hashCode() {
        return Objects.hash(number, spans, java.util.Arrays.hashCode(date));
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
