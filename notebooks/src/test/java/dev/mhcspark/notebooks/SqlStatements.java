package dev.mhcspark.notebooks;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a {@code %spark.sql} paragraph into statements the way Zeppelin's SQL splitter does: at semicolons outside
 * quotes ({@code '...'}, {@code "..."}, {@code `...`}) and comments ({@code -- ...}, {@code /* ... *}{@code /}),
 * dropping statements that hold only whitespace and comments.
 */
final class SqlStatements {
    private SqlStatements() {
    }

    static List<String> split(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean hasCode = false;
        int i = 0;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (c == '-' && script.startsWith("--", i)) {
                int end = script.indexOf('\n', i);
                end = end < 0 ? script.length() : end;
                current.append(script, i, end);
                i = end;
            } else if (c == '/' && script.startsWith("/*", i)) {
                int end = script.indexOf("*/", i + 2);
                end = end < 0 ? script.length() : end + 2;
                current.append(script, i, end);
                i = end;
            } else if (c == '\'' || c == '"' || c == '`') {
                int end = i + 1;
                while (end < script.length() && script.charAt(end) != c) {
                    end += script.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, script.length());
                current.append(script, i, end);
                hasCode = true;
                i = end;
            } else if (c == ';') {
                if (hasCode) {
                    statements.add(current.toString().strip());
                }
                current.setLength(0);
                hasCode = false;
                i++;
            } else {
                current.append(c);
                hasCode |= !Character.isWhitespace(c);
                i++;
            }
        }
        if (hasCode) {
            statements.add(current.toString().strip());
        }
        return List.copyOf(statements);
    }
}
