package dev.mhcspark.jobs.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a stage member stands, as {@code pipeline status} shows it.
 *
 * @param state  done (complete output under the current key), running (a live process holds its lock), failed
 *               (its command failed, or the process running it died), stale (an output exists for earlier
 *               parameters, inputs or code, not for the current ones), pending (never run)
 * @param reason why it is failed or stale, or "" otherwise
 */
public record MemberState(State state, String reason) {
    public enum State { DONE, RUNNING, FAILED, STALE, PENDING }

    static MemberState of(StageRun run, StageStore store) {
        if (store.complete(run)) {
            return new MemberState(State.DONE, "");
        }
        Optional<JsonNode> lock = store.liveLock(run);
        if (lock.isPresent()) {
            return new MemberState(State.RUNNING, "pid " + lock.get().path("pid").asLong());
        }
        Optional<JsonNode> failure = store.failure(run);
        if (failure.isPresent()) {
            return new MemberState(State.FAILED, failure.get().path("reason").asText() + " (log: "
                    + failure.get().path("log").asText() + ")");
        }
        if (store.dirExists(run)) {
            return new MemberState(State.FAILED, "interrupted (its process died before the output was complete); "
                    + "the next run resumes or redoes it");
        }
        List<JsonNode> earlier = store.earlierRecords(run);
        if (!earlier.isEmpty()) {
            return new MemberState(State.STALE, differences(earlier.get(0), run.record()));
        }
        return new MemberState(State.PENDING, "");
    }

    /** What changed between the record of an earlier output and the current one, e.g. {@code lr: 0.001 -> 0.003}. */
    static String differences(JsonNode before, JsonNode now) {
        List<String> changes = new ArrayList<>();
        compare(before.path("params"), now.path("params"), changes);
        for (Iterator<Map.Entry<String, JsonNode>> it = now.path("inputs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> input = it.next();
            if (!input.getValue().equals(before.path("inputs").get(input.getKey()))) {
                changes.add("input " + input.getKey() + " changed");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = now.path("upstream").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> up = it.next();
            if (!up.getValue().equals(before.path("upstream").get(up.getKey()))) {
                changes.add("upstream " + up.getKey() + " changed");
            }
        }
        if (!before.path("code_version").equals(now.path("code_version"))) {
            changes.add("code changed");
        }
        return changes.isEmpty() ? "its key changed" : String.join("; ", changes);
    }

    private static void compare(JsonNode before, JsonNode now, List<String> changes) {
        Set<String> names = new TreeSet<>();
        before.fieldNames().forEachRemaining(names::add);
        now.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode b = before.get(name);
            JsonNode n = now.get(name);
            // a reference's value is its upstream member's key: "upstream ... changed" says it better
            boolean references = b != null && n != null && b.toString().contains("@") && n.toString().contains("@");
            if ((b == null || n == null || !b.equals(n)) && !references) {
                changes.add(name + ": " + (b == null ? "(unset)" : b.toString().replace("\"", "")) + " -> "
                        + (n == null ? "(unset)" : n.toString().replace("\"", "")));
            }
        }
    }
}
