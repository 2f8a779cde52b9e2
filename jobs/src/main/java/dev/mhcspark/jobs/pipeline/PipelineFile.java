package dev.mhcspark.jobs.pipeline;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a pipeline file (YAML; the schema is in {@code pipelines/README.md}) into a {@link Pipeline}, checking its
 * structure: every error names the file and line. Parameter names and types are checked against the commands when
 * the pipeline is planned ({@link PipelinePlanner}).
 */
public final class PipelineFile {
    static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Set<String> TOP_KEYS = Set.of("pipeline", "workdir", "master", "stages");
    private static final Set<String> STAGE_KEYS = Set.of("type", "params", "grid", "submit");

    private final String file;

    private PipelineFile(String file) {
        this.file = file;
    }

    public static Pipeline read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot read the pipeline file (" + e.getMessage() + ")", e);
        }
        return parse(path.toString(), text);
    }

    public static Pipeline parse(String file, String yaml) {
        return new PipelineFile(file).pipeline(yaml);
    }

    private Pipeline pipeline(String yaml) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            throw new PipelineException(file, line, "not valid YAML: " + e.getProblem());
        }
        if (root == null) {
            throw new PipelineException(file, 1, "empty file; expected a mapping with 'pipeline' and 'stages'");
        }
        Map<String, NodeTuple> top = mapping(root, "the file", TOP_KEYS);
        String name = requiredString(top, "pipeline", root);
        String workdir = top.containsKey("workdir") ? string(top.get("workdir").getValueNode(), "workdir")
                : "out/" + name;
        String master = top.containsKey("master") ? string(top.get("master").getValueNode(), "master") : "local[*]";
        NodeTuple stagesTuple = top.get("stages");
        if (stagesTuple == null) {
            throw new PipelineException(file, line(root), "missing 'stages' (a mapping of stage name to stage)");
        }
        Map<String, NodeTuple> stageNodes = mapping(stagesTuple.getValueNode(), "stages", null);
        if (stageNodes.isEmpty()) {
            throw new PipelineException(file, line(stagesTuple.getValueNode()), "'stages' is empty");
        }
        Map<String, StageSpec> stages = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : stageNodes.entrySet()) {
            stages.put(e.getKey(), stage(e.getKey(), e.getValue()));
        }
        return new Pipeline(file, name, workdir, master, stages);
    }

    private StageSpec stage(String name, NodeTuple tuple) {
        int line = line(tuple.getKeyNode());
        if (!STAGE_NAME.matcher(name).matches()) {
            throw new PipelineException(file, line, "stage name '" + name + "': expected lower-case letters, digits "
                    + "and '-', starting with a letter");
        }
        Map<String, NodeTuple> body = mapping(tuple.getValueNode(), "stage '" + name + "'", STAGE_KEYS);
        String typeId = requiredString(body, "type", tuple.getValueNode());
        StageType type = StageType.of(typeId);
        if (type == null) {
            throw new PipelineException(file, line(body.get("type").getValueNode()), "stage '" + name
                    + "': unknown stage type '" + typeId + "'; expected one of " + StageType.ids());
        }
        Map<String, Param> params = body.containsKey("params")
                ? params(body.get("params").getValueNode(), "stage '" + name + "' params") : Map.of();
        Map<String, Param> submit = body.containsKey("submit")
                ? params(body.get("submit").getValueNode(), "stage '" + name + "' submit") : Map.of();
        Map<String, List<Scalar>> grid = new LinkedHashMap<>();
        if (body.containsKey("grid")) {
            for (Map.Entry<String, NodeTuple> g : mapping(body.get("grid").getValueNode(), "stage '" + name
                    + "' grid", null).entrySet()) {
                Node values = g.getValue().getValueNode();
                if (!(values instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
                    throw new PipelineException(file, line(values), "stage '" + name + "' grid '" + g.getKey()
                            + "': expected a non-empty list of values");
                }
                List<Scalar> list = new ArrayList<>();
                for (Node v : seq.getValue()) {
                    list.add(scalar(v, "grid '" + g.getKey() + "'"));
                }
                if (params.containsKey(g.getKey())) {
                    throw new PipelineException(file, line(g.getValue().getKeyNode()), "stage '" + name + "': '"
                            + g.getKey() + "' is both a parameter and a grid axis");
                }
                grid.put(g.getKey(), list);
            }
        }
        return new StageSpec(name, type, params, grid, submit, line);
    }

    private Map<String, Param> params(Node node, String what) {
        Map<String, Param> params = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : mapping(node, what, null).entrySet()) {
            Node value = e.getValue().getValueNode();
            int line = line(e.getValue().getKeyNode());
            Param p;
            if (value instanceof SequenceNode seq) {
                List<Scalar> items = new ArrayList<>();
                for (Node item : seq.getValue()) {
                    items.add(scalar(item, e.getKey()));
                }
                p = new Param(e.getKey(), line, null, items, null);
            } else if (value instanceof MappingNode) {
                Map<String, Scalar> map = new LinkedHashMap<>();
                mapping(value, e.getKey(), null).forEach((k, t) -> map.put(k, scalar(t.getValueNode(), k)));
                p = new Param(e.getKey(), line, null, null, map);
            } else {
                p = new Param(e.getKey(), line, scalar(value, e.getKey()), null, null);
            }
            params.put(e.getKey(), p);
        }
        return params;
    }

    /** A mapping's entries by key (keys must be strings, unique, and if {@code allowed} is given, among them). */
    private Map<String, NodeTuple> mapping(Node node, String what, Set<String> allowed) {
        if (!(node instanceof MappingNode m)) {
            throw new PipelineException(file, line(node), what + ": expected a mapping (key: value lines)");
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = string(t.getKeyNode(), what + " key");
            if (allowed != null && !allowed.contains(key)) {
                throw new PipelineException(file, line(t.getKeyNode()), what + ": unknown key '" + key
                        + "'; expected one of " + allowed.stream().sorted().toList());
            }
            if (entries.put(key, t) != null) {
                throw new PipelineException(file, line(t.getKeyNode()), what + ": '" + key + "' is given twice");
            }
        }
        return entries;
    }

    private String requiredString(Map<String, NodeTuple> map, String key, Node parent) {
        NodeTuple t = map.get(key);
        if (t == null) {
            throw new PipelineException(file, line(parent), "missing '" + key + "'");
        }
        return string(t.getValueNode(), key);
    }

    private String string(Node node, String what) {
        Scalar s = scalar(node, what);
        if (s.kind() == Scalar.Kind.NULL || s.text().isBlank()) {
            throw new PipelineException(file, line(node), what + ": expected a value");
        }
        return s.text();
    }

    private Scalar scalar(Node node, String what) {
        if (!(node instanceof ScalarNode s)) {
            throw new PipelineException(file, line(node), what + ": expected a single value, not a "
                    + (node instanceof SequenceNode ? "list" : "mapping"));
        }
        Tag tag = s.getTag();
        Scalar.Kind kind = Tag.INT.equals(tag) ? Scalar.Kind.INT : Tag.FLOAT.equals(tag) ? Scalar.Kind.FLOAT
                : Tag.BOOL.equals(tag) ? Scalar.Kind.BOOL : Tag.NULL.equals(tag) ? Scalar.Kind.NULL : Scalar.Kind.STRING;
        return new Scalar(s.getValue(), kind, line(node));
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }
}
