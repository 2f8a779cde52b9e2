package dev.mhcspark.jobs.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mhcspark.jobs.HadoopPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files of a pipeline's work directory (local or any Hadoop file system). Each member lives in
 * {@code <workdir>/<stage>/<key>/}: {@code stage.json} (what the key was computed from, attempts), {@code stage.log}
 * (the command's output), {@code lock.json} while a process runs it, {@code failed.json} after it failed, and the
 * command's output. {@code <workdir>/events.jsonl} records every start, finish, skip and failure.
 */
final class StageStore {
    static final String RECORD = "stage.json";
    static final String LOG = "stage.log";
    static final String LOCK = "lock.json";
    static final String FAILED = "failed.json";
    static final String EVENTS = "events.jsonl";

    private final FileSystem fs;
    private final Path workdir;

    StageStore(String workdir, Configuration conf) {
        this.workdir = new Path(workdir);
        this.fs = HadoopPaths.fileSystem("--workdir", workdir, conf);
    }

    /** The member's output is there and complete (its command's completion marker exists). */
    boolean complete(StageRun run) {
        String marker = run.stage().type().completeMarker();
        return exists(new Path(marker.isEmpty() ? run.output() : run.output() + "/" + marker));
    }

    boolean exists(Path p) {
        try {
            return fs.exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code stage.json}: the key's ingredients, and how many times the member was started. */
    int recordAttempt(StageRun run) {
        Optional<JsonNode> previous = readJson(new Path(run.dir(), RECORD));
        int attempts = previous.map(p -> p.path("attempts").asInt(0)).orElse(0) + 1;
        ObjectNode record = run.record().deepCopy();
        record.put("key", run.key());
        record.put("output", run.output());
        record.put("attempts", attempts);
        record.put("last_started", Instant.now().toString());
        record.putArray("command").add("mhc");
        run.args().forEach(((com.fasterxml.jackson.databind.node.ArrayNode) record.get("command"))::add);
        writeJson(new Path(run.dir(), RECORD), record);
        return attempts;
    }

    /** {@code stage.json} of every earlier key of the same stage member, newest first. */
    List<JsonNode> earlierRecords(StageRun run) {
        List<FileStatus> found = new ArrayList<>();
        try {
            Path stageDir = new Path(workdir, run.stage().name());
            if (!fs.exists(stageDir)) {
                return List.of();
            }
            for (FileStatus dir : fs.listStatus(stageDir)) {
                Path record = new Path(dir.getPath(), RECORD);
                if (dir.isDirectory() && !dir.getPath().getName().equals(run.key()) && fs.exists(record)) {
                    found.add(fs.getFileStatus(record));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparingLong(FileStatus::getModificationTime).reversed());
        List<JsonNode> records = new ArrayList<>();
        for (FileStatus s : found) {
            readJson(s.getPath()).filter(r -> r.path("member").asText().equals(run.label())).ifPresent(records::add);
        }
        return records;
    }

    /** The process holding the member's lock, if one is alive on this host. */
    Optional<JsonNode> liveLock(StageRun run) {
        return readJson(new Path(run.dir(), LOCK)).filter(StageStore::alive);
    }

    private static boolean alive(JsonNode lock) {
        return lock.path("host").asText().equals(host())
                && ProcessHandle.of(lock.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Takes the member's lock for this process; a lock left by a dead process is taken over.
     *
     * @throws IllegalStateException if a live process holds it
     */
    void lock(StageRun run) {
        Path lock = new Path(run.dir(), LOCK);
        Optional<JsonNode> held = readJson(lock);
        if (held.isPresent() && alive(held.get())) {
            throw new IllegalStateException(run.id() + " is being run by process " + held.get().path("pid").asLong()
                    + " (since " + held.get().path("since").asText() + "); wait for it or stop it");
        }
        ObjectNode mine = PipelinePlanner.JSON.createObjectNode();
        mine.put("pid", ProcessHandle.current().pid());
        mine.put("host", host());
        mine.put("since", Instant.now().toString());
        writeJson(lock, mine);
    }

    void unlock(StageRun run) {
        delete(new Path(run.dir(), LOCK));
    }

    Optional<JsonNode> failure(StageRun run) {
        return readJson(new Path(run.dir(), FAILED));
    }

    void recordFailure(StageRun run, int exitCode, String reason) {
        ObjectNode failed = PipelinePlanner.JSON.createObjectNode();
        failed.put("exit_code", exitCode);
        failed.put("reason", reason);
        failed.put("log", run.dir() + "/" + LOG);
        failed.put("time", Instant.now().toString());
        writeJson(new Path(run.dir(), FAILED), failed);
    }

    void clearFailure(StageRun run) {
        delete(new Path(run.dir(), FAILED));
    }

    boolean dirExists(StageRun run) {
        return exists(new Path(run.dir()));
    }

    OutputStream log(StageRun run) {
        try {
            return fs.create(new Path(run.dir(), LOG), true);
        } catch (IOException e) {
            throw new UncheckedIOException(run.dir() + "/" + LOG + ": " + e.getMessage(), e);
        }
    }

    void delete(Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p + ": " + e.getMessage(), e);
        }
    }

    synchronized void event(StageRun run, String event, String detail) {
        ObjectNode line = PipelinePlanner.JSON.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("stage", run.stage().name());
        line.put("member", run.label());
        line.put("key", run.key());
        line.put("event", event);
        if (detail != null) {
            line.put("detail", detail);
        }
        Path events = new Path(workdir, EVENTS);
        try {
            fs.mkdirs(workdir);
            try (OutputStream out = fs.exists(events) ? fs.append(events) : fs.create(events, false)) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(events + ": " + e.getMessage(), e);
        }
    }

    private Optional<JsonNode> readJson(Path p) {
        try {
            if (!fs.exists(p)) {
                return Optional.empty();
            }
            try (InputStream in = fs.open(p)) {
                return Optional.of(PipelinePlanner.JSON.readTree(in));
            }
        } catch (IOException e) {
            // a half-written file from a killed process holds nothing to go by
            return Optional.empty();
        }
    }

    /** Written to a temporary file and renamed, so a reader never sees half a file. */
    private void writeJson(Path file, JsonNode json) {
        Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
        try {
            fs.mkdirs(file.getParent());
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(PipelinePlanner.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            }
            fs.delete(file, false);
            if (!fs.rename(tmp, file)) {
                throw new IOException("rename " + tmp + " -> " + file + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
