package dev.mhcspark.jobs.pipeline;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Runs a planned pipeline: each member after the members it reads, at most {@code maxParallel} at once. A member
 * whose output is complete under its key is skipped; an interrupted training member resumes from its last
 * checkpoint; any other incomplete output is removed and redone (the commands write their outputs atomically, so
 * a leftover is never trusted). A failed member blocks its dependants, not the rest.
 */
public final class PipelineRunner {
    /** Masters the stage commands reach themselves; any other (yarn, k8s://, spark://) goes through mhc submit. */
    private static final Pattern IN_PROCESS_MASTER = Pattern.compile("none|local(\\[.*])?|local-cluster\\[.*]");

    /**
     * How to run.
     *
     * @param master      the Spark master of every Spark stage
     * @param maxParallel members run at once
     * @param only        run only these stages (their inputs must be done)
     * @param from        run this stage and everything downstream of it, nothing upstream (null: all)
     */
    public record Options(String master, int maxParallel, Set<String> only, String from) {
        public Options {
            if (maxParallel < 1) {
                throw new IllegalArgumentException("--max-parallel: " + maxParallel + "; expected at least 1");
            }
            only = Set.copyOf(only);
        }
    }

    private static final String INTERRUPTED = "interrupted: the pipeline was stopped; the next run resumes or redoes it";

    /** How a member's run ended. */
    public enum Outcome { CACHED, RAN, FAILED, BLOCKED }

    private final List<StageRun> plan;
    private final StageStore store;
    private final StageProcess process;
    private final PrintWriter console;

    public PipelineRunner(List<StageRun> plan, String workdir, Configuration conf, String mainClass,
            PrintWriter console) {
        this.plan = plan;
        this.store = new StageStore(workdir, conf);
        this.process = new StageProcess(mainClass);
        this.console = console;
    }

    /** Every member's state, in plan order. */
    public Map<StageRun, MemberState> status() {
        Map<StageRun, MemberState> states = new LinkedHashMap<>();
        plan.forEach(r -> states.put(r, MemberState.of(r, store)));
        return states;
    }

    /** The members {@code options} select, in plan order; checks that the ones they read are done or selected. */
    public List<StageRun> selection(Options options, Set<String> stageNames) {
        for (String s : options.only()) {
            if (!stageNames.contains(s)) {
                throw new IllegalArgumentException("--only " + s + ": no such stage; stages: " + stageNames);
            }
        }
        if (options.from() != null && !stageNames.contains(options.from())) {
            throw new IllegalArgumentException("--from " + options.from() + ": no such stage; stages: " + stageNames);
        }
        Set<StageRun> selected = new LinkedHashSet<>();
        for (StageRun r : plan) {
            boolean chosen;
            if (!options.only().isEmpty()) {
                chosen = options.only().contains(r.stage().name());
            } else if (options.from() != null) {
                chosen = r.stage().name().equals(options.from())
                        || r.upstream().stream().anyMatch(selected::contains);
            } else {
                chosen = true;
            }
            if (chosen) {
                selected.add(r);
            }
        }
        for (StageRun r : selected) {
            for (StageRun u : r.upstream()) {
                if (!selected.contains(u) && !store.complete(u)) {
                    throw new IllegalArgumentException(r.id() + " reads " + u.id() + ", which is not done and not "
                            + "selected; run it first (or drop --only/--from)");
                }
            }
        }
        return new ArrayList<>(selected);
    }

    /**
     * Runs the selected members, starting each (in plan order) as soon as its inputs are done and a slot is free;
     * returns how each ended.
     */
    public Map<StageRun, Outcome> run(List<StageRun> selected, Options options) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(options.maxParallel());
        ExecutorCompletionService<Map.Entry<StageRun, Outcome>> finished = new ExecutorCompletionService<>(pool);
        Map<StageRun, Outcome> outcomes = new LinkedHashMap<>();
        List<StageRun> waiting = new ArrayList<>(selected);
        int running = 0;
        try {
            while (!waiting.isEmpty() || running > 0) {
                for (Iterator<StageRun> it = waiting.iterator(); it.hasNext() && running < options.maxParallel(); ) {
                    StageRun r = it.next();
                    List<StageRun> inputs = r.upstream().stream().filter(selected::contains).toList();
                    if (!outcomes.keySet().containsAll(inputs)) {
                        continue;
                    }
                    it.remove();
                    if (inputs.stream().anyMatch(u -> outcomes.get(u) == Outcome.FAILED
                            || outcomes.get(u) == Outcome.BLOCKED)) {
                        store.event(r, "blocked", "an input failed");
                        console.println("pipeline: " + r.id() + ": not run, an input failed");
                        outcomes.put(r, Outcome.BLOCKED);
                        it = waiting.iterator(); // its dependants may now be decidable too
                        continue;
                    }
                    finished.submit(() -> Map.entry(r, runMember(r, options.master())));
                    running++;
                }
                if (running > 0) {
                    Map.Entry<StageRun, Outcome> done = finished.take().get();
                    outcomes.put(done.getKey(), done.getValue());
                    running--;
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("pipeline runner: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Map<StageRun, Outcome> inPlanOrder = new LinkedHashMap<>();
        selected.forEach(r -> inPlanOrder.put(r, outcomes.get(r)));
        return inPlanOrder;
    }

    private Outcome runMember(StageRun run, String master) {
        if (store.complete(run)) {
            store.event(run, "cached", null);
            console.println("pipeline: " + run.id() + ": done already (" + run.output() + ")");
            return Outcome.CACHED;
        }
        if (StageProcess.stopping()) {
            return Outcome.BLOCKED; // the pipeline is being stopped: start nothing new
        }
        long started = System.nanoTime();
        try {
            store.lock(run);
        } catch (IllegalStateException e) {
            console.println("pipeline: " + e.getMessage());
            return Outcome.FAILED;
        }
        try {
            int attempt = store.recordAttempt(run);
            List<String> args = new ArrayList<>(run.args());
            boolean resumes = false;
            if (store.exists(new Path(run.output()))) {
                resumes = run.stage().type() == StageType.TRAIN && !master.equals("none")
                        && store.exists(new Path(run.output(), "config.json"));
                if (resumes) {
                    args.add("--resume");
                } else {
                    store.delete(new Path(run.output()));
                }
            }
            List<String> command = withMaster(run, args, master);
            store.event(run, "started", "attempt " + attempt + (resumes ? ", resuming" : ""));
            console.println("pipeline: " + run.id() + ": " + (resumes ? "resuming" : "running") + " mhc "
                    + String.join(" ", command));
            int exit;
            try (OutputStream log = store.log(run)) {
                exit = process.run(run.id(), command, log, console);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (exit == 0 && store.complete(run)) {
                store.clearFailure(run);
                store.event(run, "finished", String.format("%.1f s", seconds));
                console.printf("pipeline: %s: finished in %.1f s -> %s%n", run.id(), seconds, run.output());
                return Outcome.RAN;
            }
            String reason = StageProcess.stopping() ? INTERRUPTED
                    : exit == 0 ? "exited 0 but its output is incomplete" : "exit code " + exit;
            store.recordFailure(run, exit, reason);
            store.event(run, "failed", reason);
            console.printf("pipeline: %s: FAILED (%s) after %.1f s; log: %s/%s%n", run.id(), reason, seconds,
                    run.dir(), StageStore.LOG);
            return Outcome.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
        } catch (Exception e) {
            String reason = StageProcess.stopping() ? INTERRUPTED : e.toString();
            store.recordFailure(run, -1, reason);
            console.println("pipeline: " + run.id() + ": FAILED: " + reason);
            return Outcome.FAILED;
        } finally {
            store.unlock(run);
        }
    }

    /** The command with the master set: directly for local masters, through mhc submit for cluster managers. */
    public static List<String> withMaster(StageRun run, List<String> args, String master) {
        StageType type = run.stage().type();
        if (IN_PROCESS_MASTER.matcher(master).matches() || !type.sparkMaster()) {
            List<String> command = new ArrayList<>(args);
            if (type.sparkMaster()) {
                command.add("--master");
                command.add(master);
            }
            return command;
        }
        List<String> command = new ArrayList<>(List.of("submit", "--master", master));
        run.stage().submit().values().forEach(p -> {
            if (p.map() != null) {
                p.map().forEach((k, v) -> command.addAll(List.of("--" + p.name(), k + "=" + v.text())));
            } else if (p.scalar() != null && p.scalar().kind() == Scalar.Kind.BOOL) {
                if (p.scalar().text().equalsIgnoreCase("true")) {
                    command.add("--" + p.name());
                }
            } else {
                p.scalars().forEach(s -> command.addAll(List.of("--" + p.name(), s.text())));
            }
        });
        command.addAll(args);
        return command;
    }

    /** {@code 3 ran, 2 done already, 0 failed, 0 not run}. */
    public static String summary(Map<StageRun, Outcome> outcomes) {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        outcomes.values().forEach(o -> counts.merge(o, 1, Integer::sum));
        return String.format("%d ran, %d done already, %d failed, %d not run (an input failed)",
                counts.getOrDefault(Outcome.RAN, 0), counts.getOrDefault(Outcome.CACHED, 0),
                counts.getOrDefault(Outcome.FAILED, 0), counts.getOrDefault(Outcome.BLOCKED, 0));
    }
}
