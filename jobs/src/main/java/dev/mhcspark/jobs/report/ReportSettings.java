package dev.mhcspark.jobs.report;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code mhc report} draws and where.
 *
 * @param runDirs   run directories (local paths or {@code hdfs://}), one series per run on every chart; not empty,
 *                  no directory twice
 * @param out       the report directory to create (local or {@code hdfs://})
 * @param title     the heading of {@code report.md}
 * @param overwrite replace a non-empty {@code out} (only once the new report is complete)
 * @param width     PNG width in pixels, 200 .. 4000
 * @param height    PNG height in pixels, 200 .. 4000
 * @param evaluation the table of {@code mhc eval compare} over the runs' evaluations (Markdown), or "" for none
 */
public record ReportSettings(List<String> runDirs, String out, String title, boolean overwrite, int width,
        int height, String evaluation) {
    public static final int DEFAULT_WIDTH = 900;
    public static final int DEFAULT_HEIGHT = 560;

    public ReportSettings {
        if (runDirs == null || runDirs.isEmpty()) {
            throw new IllegalArgumentException("run dirs: expected at least one run directory");
        }
        runDirs = List.copyOf(runDirs);
        Set<String> seen = new HashSet<>();
        for (String dir : runDirs) {
            if (dir.isBlank()) {
                throw new IllegalArgumentException("run dirs: an empty path");
            }
            if (!seen.add(stripTrailingSlash(dir))) {
                throw new IllegalArgumentException("run dirs: " + dir + " is given twice");
            }
        }
        if (out == null || out.isBlank()) {
            throw new IllegalArgumentException("--out: expected a directory");
        }
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("--title: expected a non-empty title");
        }
        pixels("--width", width);
        pixels("--height", height);
        evaluation = evaluation == null ? "" : evaluation;
    }

    static String stripTrailingSlash(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static void pixels(String flag, int value) {
        if (value < 200 || value > 4000) {
            throw new IllegalArgumentException(flag + ": " + value + " pixels; allowed: 200 .. 4000");
        }
    }
}
