package dev.mhcspark.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@code spark-defaults.conf}-style file (lines {@code key value} or {@code key=value}, {@code #} comments)
 * in file order, the format spark-submit's {@code --properties-file} takes, so the shipped files work with plain
 * spark-submit too. {@code ${MHC_HOME}} in a value becomes the checkout directory (pod template paths).
 */
final class SubmitDefaults {
    static final String HOME_PLACEHOLDER = "${MHC_HOME}";

    private SubmitDefaults() {
    }

    static Map<String, String> read(Path file, Path home) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("shipped Spark defaults " + file + " not found (is -Dmhc.home the "
                    + "checkout?)");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        try {
            int lineNumber = 0;
            for (String line : Files.readAllLines(file)) {
                lineNumber++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int cut = 0;
                while (cut < trimmed.length() && !Character.isWhitespace(trimmed.charAt(cut))
                        && trimmed.charAt(cut) != '=') {
                    cut++;
                }
                String key = trimmed.substring(0, cut);
                String value = trimmed.substring(cut).strip();
                if (value.startsWith("=")) {
                    value = value.substring(1).strip();
                }
                if (key.isEmpty() || value.isEmpty()) {
                    throw new IllegalArgumentException(file + ":" + lineNumber + ": expected 'key value', got '"
                            + trimmed + "'");
                }
                settings.put(key, value.replace(HOME_PLACEHOLDER, home.toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }
}
