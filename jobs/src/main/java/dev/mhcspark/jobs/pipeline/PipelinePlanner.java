package dev.mhcspark.jobs.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jgrapht.alg.cycle.CycleDetector;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.traverse.TopologicalOrderIterator;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns a pipeline into the members to run, in dependency order: checks every parameter against the command's
 * options (name and type), resolves references to other stages' outputs, expands grids and fan-outs, and computes
 * each member's key. Nothing runs and nothing is written; every error names the file and line.
 *
 * <p>References: {@code ${stage}} is the output of {@code stage}; if that stage has several members, the
 * referencing stage runs once per member (fan-out). {@code ${stage[*]}} is the list of all its members' outputs
 * (gather, e.g. the runs of a report). {@code ${home}} is the installation directory.
 */
public final class PipelinePlanner {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([a-z][a-z0-9-]*)(\\[\\*])?}");
    private static final String HOME = "home";

    /**
     * What planning needs from the application.
     *
     * @param commands    a fresh {@code mhc} command line (its option model types the parameters)
     * @param home        the installation directory ({@code ${home}})
     * @param codeVersion part of every key
     */
    public record Context(Supplier<CommandLine> commands, Path home, String codeVersion) {
    }

    private final Pipeline pipeline;
    private final Context context;
    private final String workdir;
    private final Map<String, String> fingerprints = new HashMap<>();

    private PipelinePlanner(Pipeline pipeline, Context context, String workdir) {
        this.pipeline = pipeline;
        this.context = context;
        this.workdir = stripSlash(workdir != null ? workdir : pipeline.workdir());
    }

    /** The members of every stage in an order where each comes after the members it reads. */
    public static List<StageRun> plan(Pipeline pipeline, Context context, String workdirOverride) {
        return new PipelinePlanner(pipeline, context, workdirOverride).plan();
    }

    private List<StageRun> plan() {
        Map<String, List<StageRun>> members = new LinkedHashMap<>();
        List<StageRun> order = new ArrayList<>();
        for (StageSpec stage : stageOrder()) {
            List<StageRun> runs = expand(stage, members);
            members.put(stage.name(), runs);
            order.addAll(runs);
        }
        return order;
    }

    /** Stages in dependency order (file order among independent ones); unknown references and cycles rejected. */
    private List<StageSpec> stageOrder() {
        DefaultDirectedGraph<String, DefaultEdge> graph = new DefaultDirectedGraph<>(DefaultEdge.class);
        pipeline.stages().keySet().forEach(graph::addVertex);
        for (StageSpec stage : pipeline.stages().values()) {
            CommandSpec command = command(stage);
            checkParams(stage, command);
            for (Scalar s : allScalars(stage)) {
                Matcher m = REFERENCE.matcher(s.text());
                while (m.find()) {
                    String target = m.group(1);
                    if (target.equals(HOME)) {
                        continue;
                    }
                    if (!pipeline.stages().containsKey(target)) {
                        throw error(s.line(), "stage '" + stage.name() + "': reference ${" + target + "} names no "
                                + "stage; stages: " + pipeline.stages().keySet());
                    }
                    if (target.equals(stage.name())) {
                        throw error(s.line(), "stage '" + stage.name() + "' refers to its own output");
                    }
                    graph.addEdge(target, stage.name());
                }
            }
        }
        CycleDetector<String, DefaultEdge> cycles = new CycleDetector<>(graph);
        if (cycles.detectCycles()) {
            Set<String> inCycle = cycles.findCycles();
            StageSpec first = pipeline.stages().values().stream().filter(s -> inCycle.contains(s.name())).findFirst()
                    .orElseThrow();
            throw error(first.line(), "stages " + inCycle.stream().sorted().toList() + " depend on each other in a "
                    + "cycle");
        }
        List<String> names = new ArrayList<>(pipeline.stages().keySet());
        TopologicalOrderIterator<String, DefaultEdge> it = new TopologicalOrderIterator<>(graph,
                Comparator.comparingInt(names::indexOf));
        List<StageSpec> order = new ArrayList<>();
        it.forEachRemaining(n -> order.add(pipeline.stages().get(n)));
        return order;
    }

    private static List<Scalar> allScalars(StageSpec stage) {
        List<Scalar> all = new ArrayList<>();
        stage.params().values().forEach(p -> all.addAll(p.scalars()));
        stage.grid().values().forEach(all::addAll);
        return all;
    }

    private CommandSpec command(StageSpec stage) {
        CommandLine cl = context.commands().get();
        for (String word : stage.type().command()) {
            cl = cl.getSubcommands().get(word);
        }
        return cl.getCommandSpec();
    }

    /** Every parameter and grid axis names an option of the command and every value converts to its type. */
    private void checkParams(StageSpec stage, CommandSpec command) {
        Map<String, List<Scalar>> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        Map<String, Param> byName = new LinkedHashMap<>(stage.params());
        for (Param p : byName.values()) {
            values.put(p.name(), p.scalars());
            lines.put(p.name(), p.line());
        }
        stage.grid().forEach((name, list) -> {
            values.put(name, list);
            lines.put(name, list.get(0).line());
        });
        for (Map.Entry<String, List<Scalar>> e : values.entrySet()) {
            String name = e.getKey();
            int line = lines.get(name);
            String where = "stage '" + stage.name() + "' (" + stage.type().id() + "): parameter '" + name + "'";
            if (name.equals(stage.type().positionalParam())) {
                continue;
            }
            if (("--" + name).equals(stage.type().outputOption())) {
                throw error(line, where + " is set by the pipeline (each stage writes into its own directory)");
            }
            if (name.equals("master") && stage.type().sparkMaster()) {
                throw error(line, where + ": set 'master' at the top of the pipeline or with pipeline run --master");
            }
            OptionSpec option = command.findOption("--" + name);
            if (option == null || option.hidden() || option.usageHelp() || option.versionHelp()) {
                throw error(line, where + " is not an option of 'mhc " + String.join(" ", stage.type().command())
                        + "'; options: " + optionNames(command, stage.type()));
            }
            Param param = byName.get(name);
            if (param != null) {
                checkShape(option, param, where);
            }
            for (Scalar s : e.getValue()) {
                checkValue(option, s, where);
            }
        }
    }

    private void checkShape(OptionSpec option, Param p, String where) {
        Class<?> type = option.type();
        if (Map.class.isAssignableFrom(type) != (p.map() != null)) {
            throw error(p.line(), where + ": expected " + (p.map() != null ? "a single value, not a mapping"
                    : "a mapping of key: value"));
        }
        if (p.list() != null && !option.isMultiValue()) {
            throw error(p.line(), where + ": expected a single value, not a list (use a grid to try several)");
        }
    }

    private void checkValue(OptionSpec option, Scalar s, String where) {
        Class<?> type = option.isMultiValue() && option.auxiliaryTypes().length > 0
                ? option.auxiliaryTypes()[option.auxiliaryTypes().length - 1] : option.type();
        if (type == boolean.class || type == Boolean.class) {
            if (s.kind() != Scalar.Kind.BOOL) {
                throw error(s.line(), where + ": '" + s.text() + "' is not a boolean; expected true or false");
            }
            return;
        }
        if (s.kind() == Scalar.Kind.NULL) {
            throw error(s.line(), where + ": expected a value");
        }
        boolean numeric = type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == double.class || type == Double.class || type == float.class || type == Float.class;
        if (s.text().contains("${")) {
            if (numeric) {
                throw error(s.line(), where + ": a reference is a path, not a " + type.getSimpleName());
            }
            return;
        }
        try {
            if (option.converters() != null && option.converters().length > 0) {
                option.converters()[0].convert(s.text());
            } else if (type == int.class || type == Integer.class) {
                Integer.parseInt(s.text());
            } else if (type == long.class || type == Long.class) {
                Long.parseLong(s.text());
            } else if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
                Double.parseDouble(s.text());
            } else if (type.isEnum()) {
                boolean known = false;
                for (Object c : type.getEnumConstants()) {
                    known |= c.toString().equalsIgnoreCase(s.text());
                }
                if (!known) {
                    throw new IllegalArgumentException("expected one of " + List.of(type.getEnumConstants()));
                }
            }
        } catch (Exception e) {
            String expected = numeric ? "expected " + (type == int.class || type == Integer.class || type == long.class
                    || type == Long.class ? "an integer" : "a number") : e.getMessage();
            throw error(s.line(), where + ": '" + s.text() + "' is not valid: " + expected);
        }
    }

    private static List<String> optionNames(CommandSpec command, StageType type) {
        List<String> names = new ArrayList<>();
        for (OptionSpec o : command.options()) {
            String n = o.longestName().replaceFirst("^--", "");
            if (!o.hidden() && !o.usageHelp() && !o.versionHelp() && !o.longestName().equals(type.outputOption())
                    && !(n.equals("master") && type.sparkMaster())) {
                names.add(n);
            }
        }
        if (type.positionalParam() != null) {
            names.add(type.positionalParam());
        }
        return names.stream().sorted().toList();
    }

    /** One member per combination of the stage's grid values and of the upstream members it fans out over. */
    private List<StageRun> expand(StageSpec stage, Map<String, List<StageRun>> planned) {
        Set<String> fanOut = new LinkedHashSet<>();
        for (Scalar s : allScalars(stage)) {
            Matcher m = REFERENCE.matcher(s.text());
            while (m.find()) {
                if (!m.group(1).equals(HOME) && m.group(2) == null) {
                    fanOut.add(m.group(1));
                }
            }
        }
        List<Binding> bindings = List.of(new Binding(new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>()));
        for (String upstream : fanOut) {
            List<Binding> next = new ArrayList<>();
            for (Binding b : bindings) {
                for (StageRun u : planned.get(upstream)) {
                    Binding c = b.copy();
                    c.upstream().put(upstream, u);
                    if (planned.get(upstream).size() > 1 || !u.label().equals(u.stage().name())) {
                        c.labels().add(u.label());
                    }
                    next.add(c);
                }
            }
            bindings = next;
        }
        for (Map.Entry<String, List<Scalar>> axis : stage.grid().entrySet()) {
            List<Binding> next = new ArrayList<>();
            for (Binding b : bindings) {
                for (Scalar v : axis.getValue()) {
                    Binding c = b.copy();
                    c.grid().put(axis.getKey(), v);
                    next.add(c);
                }
            }
            bindings = next;
        }
        List<StageRun> runs = new ArrayList<>();
        Set<String> labels = new java.util.HashSet<>();
        for (Binding b : bindings) {
            StageRun run = member(stage, b, planned);
            if (!labels.add(run.label())) {
                throw error(stage.line(), "stage '" + stage.name() + "': two members are both labelled '"
                        + run.label() + "'");
            }
            runs.add(run);
        }
        return runs;
    }

    /** The upstream member each fan-out reference is bound to, and this member's grid values. */
    private record Binding(Map<String, StageRun> upstream, Map<String, Scalar> grid, List<String> labels) {
        Binding copy() {
            return new Binding(new LinkedHashMap<>(upstream), new LinkedHashMap<>(grid), new ArrayList<>(labels));
        }
    }

    private StageRun member(StageSpec stage, Binding binding, Map<String, List<StageRun>> planned) {
        List<String> labelParts = new ArrayList<>(binding.labels());
        if (stage.grid().size() == 1) {
            labelParts.add(binding.grid().values().iterator().next().text());
        } else {
            binding.grid().forEach((k, v) -> labelParts.add(k + "-" + v.text()));
        }
        String label = labelParts.isEmpty() ? stage.name()
                : String.join("_", labelParts).replaceAll("[^A-Za-z0-9._-]", "-");

        // the command's arguments, and what the key is made of (upstream outputs stand for their keys)
        List<String> args = new ArrayList<>(stage.type().command());
        List<String> positional = new ArrayList<>();
        ObjectNode params = JSON.createObjectNode();
        ObjectNode inputs = JSON.createObjectNode();
        Set<StageRun> upstream = new LinkedHashSet<>();
        Map<String, Param> all = new LinkedHashMap<>(stage.params());
        binding.grid().forEach((k, v) -> all.put(k, new Param(k, v.line(), v, null, null)));
        for (Param p : all.values()) {
            List<String> actual = new ArrayList<>();
            List<String> canonical = new ArrayList<>();
            if (p.map() != null) {
                for (Map.Entry<String, Scalar> e : new TreeMap<>(p.map()).entrySet()) {
                    Resolved r = resolve(stage, e.getValue(), binding, planned, upstream, inputs);
                    actual.add(e.getKey() + "=" + String.join(",", r.actual()));
                    canonical.add(e.getKey() + "=" + String.join(",", r.canonical()));
                }
            } else {
                for (Scalar s : p.scalars()) {
                    Resolved r = resolve(stage, s, binding, planned, upstream, inputs);
                    actual.addAll(r.actual());
                    canonical.addAll(r.canonical());
                }
            }
            params.set(p.name(), JSON.valueToTree(p.scalar() != null && canonical.size() == 1 ? canonical.get(0)
                    : canonical));
            if (p.name().equals(stage.type().positionalParam())) {
                positional.addAll(actual);
            } else if (p.scalar() != null && p.scalar().kind() == Scalar.Kind.BOOL) {
                if (Boolean.parseBoolean(p.scalar().text().toLowerCase(Locale.ROOT))
                        || p.scalar().text().matches("(?i)yes|on|y")) {
                    args.add("--" + p.name());
                }
            } else {
                for (String v : actual) {
                    args.add("--" + p.name());
                    args.add(v);
                }
            }
        }
        ObjectNode record = JSON.createObjectNode();
        record.put("pipeline", pipeline.name());
        record.put("stage", stage.name());
        record.put("member", label);
        record.put("type", stage.type().id());
        record.put("code_version", context.codeVersion());
        record.set("params", params);
        record.set("inputs", inputs);
        ObjectNode upstreamKeys = record.putObject("upstream");
        upstream.forEach(u -> upstreamKeys.put(u.id(), u.key()));
        String key = Hashing.of(canonicalJson(record)).substring(0, 12);
        String dir = workdir + "/" + stage.name() + "/" + key;
        String output = dir + "/" + stage.type().outputName(label);
        args.add(stage.type().outputOption());
        args.add(output);
        args.addAll(positional);
        checkParses(stage, label, args);
        return new StageRun(stage, label, key, dir, output, args, new ArrayList<>(upstream), record);
    }

    /** The whole argument list parses (required options present), with placeholders for the master. */
    private void checkParses(StageSpec stage, String label, List<String> args) {
        try {
            context.commands().get().parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw error(stage.line(), "stage '" + stage.name() + "'" + (label.equals(stage.name()) ? "" : " member '"
                    + label + "'") + ": " + e.getMessage());
        }
    }

    private record Resolved(List<String> actual, List<String> canonical) {
    }

    private Resolved resolve(StageSpec stage, Scalar s, Binding binding, Map<String, List<StageRun>> planned,
            Set<StageRun> upstream, ObjectNode inputs) {
        Matcher whole = REFERENCE.matcher(s.text());
        if (whole.matches() && whole.group(2) != null) {
            List<StageRun> all = planned.get(whole.group(1));
            upstream.addAll(all);
            return new Resolved(all.stream().map(StageRun::output).toList(),
                    all.stream().map(u -> "@" + u.key()).toList());
        }
        StringBuilder actual = new StringBuilder();
        StringBuilder canonical = new StringBuilder();
        Matcher m = REFERENCE.matcher(s.text());
        int last = 0;
        boolean fromStage = false;
        while (m.find()) {
            actual.append(s.text(), last, m.start());
            canonical.append(s.text(), last, m.start());
            String target = m.group(1);
            if (target.equals(HOME)) {
                actual.append(context.home());
                canonical.append(m.group());
            } else if (m.group(2) != null) {
                throw error(s.line(), "stage '" + stage.name() + "': ${" + target + "[*]} (a list) must be the whole "
                        + "value");
            } else {
                StageRun u = binding.upstream().get(target);
                upstream.add(u);
                actual.append(u.output());
                canonical.append('@').append(u.key());
                fromStage = true;
            }
            last = m.end();
        }
        actual.append(s.text().substring(last));
        canonical.append(s.text().substring(last));
        if (!fromStage) {
            String fingerprint = fingerprint(actual.toString());
            if (fingerprint != null) {
                inputs.put(canonical.toString(), fingerprint);
            }
        }
        return new Resolved(List.of(actual.toString()), List.of(canonical.toString()));
    }

    /**
     * The content hash of a value that names a local file or directory (also after a {@code spec:} prefix, as in
     * {@code bpe:tokenizer.json}); null for other values. Inputs on other file systems are keyed by name only.
     */
    private String fingerprint(String value) {
        for (String candidate : List.of(value, value.replaceFirst("^[a-z]+:", ""))) {
            if (candidate.isEmpty() || candidate.matches("^[a-z][a-z0-9+.-]*://.*")) {
                continue;
            }
            Path path;
            try {
                path = Path.of(candidate);
            } catch (java.nio.file.InvalidPathException e) {
                continue;
            }
            if (Files.exists(path)) {
                return fingerprints.computeIfAbsent(path.toAbsolutePath().normalize().toString(),
                        p -> "sha256:" + Hashing.ofTree(path));
            }
        }
        return null;
    }

    static String canonicalJson(ObjectNode node) {
        try {
            return JSON.copy().configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS,
                    true).writeValueAsString(JSON.treeToValue(node, Object.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private PipelineException error(int line, String reason) {
        return new PipelineException(pipeline.file(), line, reason);
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    }
}
