package dev.mhcspark.jobs;

import dev.mhcspark.datasets.eval.StopSequences;
import dev.mhcspark.datasets.tokenizer.Tokenizer;
import dev.mhcspark.model.dl4j.Generation;
import dev.mhcspark.model.dl4j.Generation.Generated;
import dev.mhcspark.model.dl4j.MhcNetworks;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Runs prompts through a model in batches: tokenizes them, then generates greedily until a stop sequence, the
 * end-of-document id or the token budget, or (log-likelihood mode) scores every answer option as the continuation
 * {@code " " + option}. The same code runs in this JVM ({@code --master none}) and inside Spark tasks; it is
 * serialisable (settings and tokenizer only, no model).
 *
 * @param maxNewTokens generation budget per prompt (unused when ranking options)
 * @param stops        stop sequences (unused when ranking options)
 * @param batch        prompts per forward pass
 */
record PromptRunner(Tokenizer tokenizer, boolean rankOptions, int maxNewTokens, List<String> stops, int batch)
        implements Serializable {
    PromptRunner {
        stops = List.copyOf(stops);
        if (batch < 1) {
            throw new IllegalArgumentException("--batch: must be >= 1, got " + batch);
        }
    }

    /**
     * @param done called after each batch with the examples it finished
     * @param tokens called after each batch with the tokens it generated (or, ranking options, scored)
     */
    List<PromptResult> run(MultiLayerNetwork net, List<EvalItem> items, LongConsumer done, LongConsumer tokens) {
        int context = MhcNetworks.modelConfig(net).contextLength();
        List<PromptResult> results = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += batch) {
            List<EvalItem> slice = items.subList(from, Math.min(items.size(), from + batch));
            List<int[]> prompts = new ArrayList<>(slice.size());
            for (EvalItem item : slice) {
                int[] ids = tokenizer.encode(item.prompt());
                if (ids.length == 0) {
                    throw new IllegalArgumentException("prompt " + item.promptId() + ": empty after tokenizing; "
                            + "nothing for the model to continue");
                }
                prompts.add(ids);
            }
            List<PromptResult> out = rankOptions ? rank(net, slice, prompts, context) : generate(net, slice, prompts,
                    context);
            results.addAll(out);
            done.accept(out.size());
            tokens.accept(out.stream().mapToLong(r -> r.generatedTokens() > 0 ? r.generatedTokens()
                    : r.optionTokens() == null ? 0 : java.util.Arrays.stream(r.optionTokens()).sum()).sum());
        }
        return results;
    }

    private List<PromptResult> generate(MultiLayerNetwork net, List<EvalItem> slice, List<int[]> prompts,
            int context) {
        int endOfDocument = tokenizer.endOfDocument();
        List<Generated> generated = Generation.greedy(net, prompts, maxNewTokens, (row, ids) ->
                ids[ids.length - 1] == endOfDocument || StopSequences.find(tokenizer.decode(ids), stops) >= 0);
        List<PromptResult> out = new ArrayList<>(slice.size());
        for (int i = 0; i < slice.size(); i++) {
            int[] ids = generated.get(i).tokens();
            String text = tokenizer.decode(ids);
            int at = StopSequences.find(text, stops);
            String stop = at >= 0 ? PromptResult.STOP_SEQUENCE
                    : ids[ids.length - 1] == endOfDocument ? PromptResult.END_OF_DOCUMENT
                    : PromptResult.MAX_NEW_TOKENS;
            out.add(new PromptResult(slice.get(i).promptId(), prompts.get(i).length, prompts.get(i).length > context,
                    text, at >= 0 ? text.substring(0, at) : text, ids.length, stop, null, null));
        }
        return out;
    }

    private List<PromptResult> rank(MultiLayerNetwork net, List<EvalItem> slice, List<int[]> prompts, int context) {
        List<int[]> contexts = new ArrayList<>();
        List<int[]> continuations = new ArrayList<>();
        for (int i = 0; i < slice.size(); i++) {
            for (String option : slice.get(i).options()) {
                contexts.add(prompts.get(i));
                continuations.add(tokenizer.encode(" " + option));
            }
        }
        double[] logProbs = Generation.continuationLogProbs(net, contexts, continuations);
        List<PromptResult> out = new ArrayList<>(slice.size());
        int k = 0;
        for (int i = 0; i < slice.size(); i++) {
            List<String> options = slice.get(i).options();
            double[] sums = new double[options.size()];
            int[] lengths = new int[options.size()];
            int best = 0;
            for (int o = 0; o < options.size(); o++, k++) {
                sums[o] = logProbs[k];
                lengths[o] = continuations.get(k).length;
                best = sums[o] > sums[best] ? o : best;
            }
            out.add(new PromptResult(slice.get(i).promptId(), prompts.get(i).length, prompts.get(i).length > context,
                    null, options.get(best), 0, null, sums, lengths));
        }
        return out;
    }
}
