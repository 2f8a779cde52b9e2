package dev.mhcspark.jobs;

/** Durations for console lines: {@code m:ss} or {@code h:mm:ss}. */
final class Clock {
    private Clock() {
    }

    static String format(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
