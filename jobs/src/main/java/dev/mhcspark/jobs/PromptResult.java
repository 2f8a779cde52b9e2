package dev.mhcspark.jobs;

import java.io.Serializable;

/**
 * What the model did with one {@link EvalItem}.
 *
 * @param promptTokens     tokens of the prompt
 * @param truncated        the prompt is longer than the model's context, so the model saw only its last tokens
 * @param output           generation: the whole generated text, stop sequence included; loglik: null
 * @param prediction       generation: the text before the first stop sequence; loglik: the best option by summed
 *                         log-probability
 * @param generatedTokens  tokens generated (the stop sequence's included); 0 for loglik
 * @param stop             why generation ended: {@code stop_sequence}, {@code end_of_document} or
 *                         {@code max_new_tokens}; null for loglik
 * @param optionLogProbs   loglik: the summed natural-log probability of each option's tokens; else null
 * @param optionTokens     loglik: the tokens of each option's continuation; else null
 */
record PromptResult(String promptId, int promptTokens, boolean truncated, String output, String prediction,
        int generatedTokens, String stop, double[] optionLogProbs, int[] optionTokens) implements Serializable {
    static final String STOP_SEQUENCE = "stop_sequence";
    static final String END_OF_DOCUMENT = "end_of_document";
    static final String MAX_NEW_TOKENS = "max_new_tokens";
}
