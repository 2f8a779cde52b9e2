package dev.mhcspark.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Facts the {@code bin/mhc} launcher passes in. */
final class Launcher {
    private Launcher() {
    }

    /** The installation directory (system property {@code mhc.home}, set by bin/mhc), else the working directory. */
    static Path home() {
        String home = System.getProperty("mhc.home");
        return home != null ? Path.of(home) : Path.of("").toAbsolutePath();
    }

    /**
     * The code a run was started with: the git commit of the installation ({@code -dirty} if it has local
     * changes), else the jar's version, else "unknown".
     */
    static String codeVersion() {
        Path home = home();
        if (Files.exists(home.resolve(".git"))) {
            try {
                Process git = new ProcessBuilder("git", "-C", home.toString(), "describe", "--always", "--dirty",
                        "--abbrev=40").redirectErrorStream(true).start();
                String version = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 && !version.isEmpty()) {
                    return version;
                }
            } catch (IOException e) {
                // no git on this machine: fall through to the jar's version
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String jar = Launcher.class.getPackage().getImplementationVersion();
        return jar != null ? jar : "unknown";
    }
}
