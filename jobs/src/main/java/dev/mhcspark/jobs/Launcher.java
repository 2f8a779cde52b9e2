package dev.mhcspark.jobs;

import java.nio.file.Path;

/** Facts the {@code bin/mhc} launcher passes in. */
final class Launcher {
    private Launcher() {
    }

    /** The installation directory (system property {@code mhc.home}, set by bin/mhc), else the working directory. */
    static Path home() {
        String home = System.getProperty("mhc.home");
        return home != null ? Path.of(home) : Path.of("").toAbsolutePath();
    }
}
