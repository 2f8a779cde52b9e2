package dev.mhcspark.model.dl4j;

/**
 * AdamW with linear warmup then cosine decay to a tenth of the peak learning rate, global L2 gradient clipping
 * and decoupled weight decay on matrices and embeddings only. Validated at construction.
 *
 * @param learningRate  peak learning rate, &gt; 0
 * @param warmupSteps   steps of linear warmup from 0, &ge; 0
 * @param totalSteps    steps of the whole schedule (decay ends here), &gt; warmupSteps
 * @param beta1         Adam beta1 in [0, 1)
 * @param beta2         Adam beta2 in [0, 1)
 * @param weightDecay   decoupled weight decay coefficient, &ge; 0 (paper: 0.1)
 * @param gradClip      global L2 norm clip, &gt; 0, or 0 for none
 */
public record OptimizerSettings(double learningRate, int warmupSteps, int totalSteps, double beta1, double beta2,
                                double weightDecay, double gradClip) {
    public OptimizerSettings {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("lr: must be > 0, got " + learningRate);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmup: must be >= 0, got " + warmupSteps);
        }
        if (totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("steps: must exceed warmup (" + warmupSteps + "), got " + totalSteps);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas: must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight-decay: must be >= 0, got " + weightDecay);
        }
        if (!(gradClip >= 0)) {
            throw new IllegalArgumentException("grad-clip: must be >= 0 (0 = off), got " + gradClip);
        }
    }

    /** The paper's AdamW (0.9, 0.95), weight decay 0.1, clip 1.0. */
    public static OptimizerSettings adamW(double learningRate, int warmupSteps, int totalSteps) {
        return new OptimizerSettings(learningRate, warmupSteps, totalSteps, 0.9, 0.95, 0.1, 1.0);
    }
}
