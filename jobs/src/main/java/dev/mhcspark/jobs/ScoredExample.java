package dev.mhcspark.jobs;

import java.util.List;

/**
 * One row of an evaluation's {@code examples/} Parquet.
 *
 * @param task                BBH task, or DROP answer type ({@code number}, {@code span}, {@code spans},
 *                            {@code date}) as {@code mhc score} groups them
 * @param prediction          generation: the text before the stop sequence; loglik: the option ranked first
 * @param extracted           the answer taken from the prediction (BBH: after "the answer is " in cot mode, one
 *                            trailing period dropped; DROP: stripped)
 * @param score               BBH: 1 when {@code extracted} equals the target, else 0; DROP: the F1
 * @param em                  DROP exact match; null for BBH
 * @param f1                  DROP F1; null for BBH
 * @param output              the whole generated text, stop sequence included; null for loglik
 * @param stop                why generation ended; null for loglik
 * @param options             loglik: the answer options, in order; else null
 * @param optionLogProbs      loglik: each option's summed log-probability
 * @param optionTokens        loglik: each option's token count
 * @param extractedNormalized loglik: the option ranked first by mean log-probability per token
 * @param scoreNormalized     loglik: 1 when that option is the target
 */
record ScoredExample(String promptId, String task, String prediction, String extracted, String target, double score,
        Double em, Double f1, int promptTokens, boolean truncated, int generatedTokens, String stop, String output,
        List<String> options, double[] optionLogProbs, int[] optionTokens, String extractedNormalized,
        Double scoreNormalized) {
}
