package dev.mhcspark.jobs;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The checked result of {@code mhc submit}: the exact command line of the spark-submit JVM, and the environment
 * variables it gets on top of the caller's.
 */
record SubmitPlan(List<String> command, Map<String, String> environment) {
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    SubmitPlan {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    /** One line a POSIX shell runs as is (what {@code --dry-run} prints). */
    String shellLine() {
        String env = environment.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + quote(e.getValue()) + " ").collect(Collectors.joining());
        return env + command.stream().map(SubmitPlan::quote).collect(Collectors.joining(" "));
    }

    static String quote(String word) {
        if (!word.isEmpty() && SHELL_SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
