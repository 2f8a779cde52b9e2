package dev.mhcspark.jobs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mhcspark.datasets.eval.BbhExactMatch;
import dev.mhcspark.datasets.eval.DropPrompts;
import dev.mhcspark.datasets.eval.DropScore;
import dev.mhcspark.datasets.eval.DropScorer;
import dev.mhcspark.datasets.eval.ScoreSuite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Extracts and scores the answers of a run, with the scorers of {@code mhc score}: BBH exact match after
 * {@link BbhExactMatch} extraction; DROP the official EM/F1 of {@link DropScorer} against the main and validated
 * answers; log-likelihood ranking is right when the top-ranked option is the target. Then totals per task (DROP:
 * per answer type), micro (all examples) and macro (mean over tasks), as {@code mhc score} reports them.
 */
final class EvalScoring {
    private EvalScoring() {
    }

    static List<ScoredExample> score(ScoreSuite suite, EvalMode mode, List<EvalExample> examples,
            Map<String, PromptResult> results) {
        List<ScoredExample> out = new ArrayList<>(examples.size());
        for (EvalExample e : examples) {
            PromptResult r = results.get(e.item().promptId());
            if (r == null) {
                throw new IllegalStateException("no result for prompt " + e.item().promptId());
            }
            out.add(suite == ScoreSuite.DROP ? drop(e, r) : mode == EvalMode.LOGLIK ? ranked(e, r) : bbh(e, r, mode));
        }
        return out;
    }

    private static ScoredExample bbh(EvalExample e, PromptResult r, EvalMode mode) {
        String extracted = BbhExactMatch.extractAnswer(r.prediction(), mode.bbhMode());
        return new ScoredExample(r.promptId(), e.task(), r.prediction(), extracted, e.target(),
                extracted.equals(e.target()) ? 1 : 0, null, null, r.promptTokens(), r.truncated(),
                r.generatedTokens(), r.stop(), r.output(), null, null, null, null, null);
    }

    private static ScoredExample ranked(EvalExample e, PromptResult r) {
        List<String> options = e.item().options();
        double[] sums = r.optionLogProbs();
        int[] lengths = r.optionTokens();
        int bestMean = 0;
        for (int o = 1; o < options.size(); o++) {
            if (sums[o] / lengths[o] > sums[bestMean] / lengths[bestMean]) {
                bestMean = o;
            }
        }
        String normalized = options.get(bestMean);
        return new ScoredExample(r.promptId(), e.task(), r.prediction(), r.prediction(), e.target(),
                r.prediction().equals(e.target()) ? 1 : 0, null, null, r.promptTokens(), r.truncated(), 0, null, null,
                options, sums, lengths, normalized, normalized.equals(e.target()) ? 1.0 : 0.0);
    }

    private static ScoredExample drop(EvalExample e, PromptResult r) {
        String extracted = DropPrompts.extractAnswer(r.prediction());
        DropScore s = DropScorer.scoreQuestion(List.of(extracted), e.question().goldAnswers());
        return new ScoredExample(r.promptId(), s.type(), r.prediction(), extracted, e.target(), s.f1(),
                s.exactMatch(), s.f1(), r.promptTokens(), r.truncated(), r.generatedTokens(), r.stop(), r.output(),
                null, null, null, null, null);
    }

    /**
     * {@code tasks}, {@code micro} and {@code macro} as {@code mhc score} writes them; log-likelihood runs add
     * {@code correct_normalized} / {@code exact_match_normalized} (ranking by mean log-probability per token).
     */
    static ObjectNode totals(ScoreSuite suite, EvalMode mode, List<ScoredExample> scored) {
        Map<String, List<ScoredExample>> byTask = new TreeMap<>();
        scored.forEach(s -> byTask.computeIfAbsent(s.task(), k -> new ArrayList<>()).add(s));
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ObjectNode tasks = o.putObject("tasks");
        double[] macro = new double[3];
        for (Map.Entry<String, List<ScoredExample>> t : byTask.entrySet()) {
            double[] m = put(tasks.putObject(t.getKey()), suite, mode, t.getValue());
            for (int i = 0; i < 3; i++) {
                macro[i] += m[i] / byTask.size();
            }
        }
        put(o.putObject("micro"), suite, mode, scored);
        ObjectNode m = o.putObject("macro");
        m.put("tasks", byTask.size());
        if (suite == ScoreSuite.BBH) {
            m.put("exact_match", macro[0]);
            if (mode == EvalMode.LOGLIK) {
                m.put("exact_match_normalized", macro[2]);
            }
        } else {
            m.put("em", macro[0]);
            m.put("f1", macro[1]);
        }
        return o;
    }

    /** Writes one group's figures; returns {exact match or EM, F1, normalised exact match}. */
    private static double[] put(ObjectNode o, ScoreSuite suite, EvalMode mode, List<ScoredExample> group) {
        int n = group.size();
        o.put("examples", n);
        if (suite == ScoreSuite.BBH) {
            long correct = group.stream().filter(s -> s.score() == 1).count();
            o.put("correct", correct);
            o.put("exact_match", correct / (double) n);
            double normalized = Double.NaN;
            if (mode == EvalMode.LOGLIK) {
                long c = group.stream().filter(s -> s.scoreNormalized() == 1).count();
                normalized = c / (double) n;
                o.put("correct_normalized", c);
                o.put("exact_match_normalized", normalized);
            }
            return new double[] {correct / (double) n, Double.NaN, normalized};
        }
        double em = group.stream().mapToDouble(ScoredExample::em).sum() / n;
        double f1 = group.stream().mapToDouble(ScoredExample::f1).sum() / n;
        o.put("em", em);
        o.put("f1", f1);
        return new double[] {em, f1, Double.NaN};
    }
}
