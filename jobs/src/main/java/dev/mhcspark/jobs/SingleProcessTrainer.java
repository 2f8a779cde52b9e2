package dev.mhcspark.jobs;

import dev.mhcspark.datasets.TokenWindows;
import dev.mhcspark.model.StabilityProbe;
import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.ModelStore;
import dev.mhcspark.model.dl4j.TransformerLayerImpl;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains one model in this JVM ({@code --master none}): random training windows, periodic validation and
 * stability probes, a console line every few steps, metrics as JSON lines, the model and a summary at the end.
 */
final class SingleProcessTrainer {
    private final TrainSettings settings;
    private final TokenWindows windows;
    private final RunDirectory run;
    private final PrintStream out;
    private final DataType dataType;
    private List<DataSet> validation;  // fixed windows, built once

    SingleProcessTrainer(TrainSettings settings, TokenWindows windows, RunDirectory run, PrintStream out) {
        this.settings = settings;
        this.windows = windows;
        this.run = run;
        this.out = out;
        this.dataType = DataType.valueOf(settings.dataType().toUpperCase(java.util.Locale.ROOT));
    }

    /** Runs the whole training and returns the summary it wrote. */
    Map<String, Object> train() {
        long started = System.nanoTime();
        int steps = settings.optimizer().totalSteps();
        int tokensPerStep = settings.batch() * windows.seqLen();
        MultiLayerNetwork net = MhcNetworks.build(settings.model(), settings.optimizer(), settings.seed(), dataType);
        TransformerLayerImpl layer = MhcNetworks.transformer(net);
        out.printf("training %s: %,d parameters, %d blocks, d_model %d, n %d; %,d train / %,d validation tokens%n",
                settings.model().connection(), net.numParams(), settings.model().blocks(), settings.model().dModel(),
                settings.model().streams(), windows.trainTokens(), windows.validationTokens());
        run.writeJson("train.json", settings);

        SplittableRandom random = new SplittableRandom(settings.seed());
        double initialLoss = Double.NaN;
        double lastLoss = Double.NaN;
        double valLoss = Validation.meanLoss(net, validation());
        StabilityProbe.Report probe = Validation.probe(net, layer, validation());
        Extremes extremes = new Extremes();
        extremes.add(probe);
        run.appendMetrics(probeRecord(0, probe, valLoss));
        long trainNanos = 0;
        for (int step = 1; step <= steps; step++) {
            long t0 = System.nanoTime();
            net.fit(batch(windows.trainBatch(settings.batch(), random)));
            trainNanos += System.nanoTime() - t0;
            lastLoss = layer.lastDataLoss();
            if (step == 1) {
                initialLoss = lastLoss;
            }
            if (!Double.isFinite(lastLoss)) {
                throw new IllegalStateException("training diverged at step " + step + ": loss " + lastLoss);
            }
            double tokPerSec = tokensPerStep * (double) step / (trainNanos / 1e9);
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("step", step);
            rec.put("loss", lastLoss);
            rec.put("lr", net.getLearningRate(0));
            rec.put("tokens_per_second", tokPerSec);
            if (step % settings.evalEvery() == 0 || step == steps) {
                valLoss = Validation.meanLoss(net, validation());
                rec.put("val_loss", valLoss);
            }
            run.appendMetrics(rec);
            if (step % settings.probeEvery() == 0 || step == steps) {
                probe = Validation.probe(net, layer, validation());
                extremes.add(probe);
                run.appendMetrics(probeRecord(step, probe, null));
            }
            if (step % settings.logEvery() == 0 || step == steps) {
                double eta = (steps - step) * (System.nanoTime() - started) / 1e9 / step;
                out.printf("step %5d/%d  loss %.4f  val %.4f  lr %.2e  %,.0f tok/s  gain fwd %.3f bwd %.3f  ETA %s%n",
                        step, steps, lastLoss, valLoss, net.getLearningRate(0), tokPerSec,
                        probe.maxCompositeForwardGain(), probe.maxCompositeBackwardGain(), clock(eta));
            }
        }
        ModelStore.save(net, run.modelDir());
        double wall = (System.nanoTime() - started) / 1e9;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("connection", settings.model().connection().id());
        summary.put("parameters", net.numParams());
        summary.put("steps", steps);
        summary.put("tokens", (long) steps * tokensPerStep);
        summary.put("initial_loss", initialLoss);
        summary.put("final_loss", lastLoss);
        summary.put("final_val_loss", valLoss);
        summary.put("max_composite_gain_forward", extremes.forward);
        summary.put("max_composite_gain_backward", extremes.backward);
        summary.put("min_composite_column_sum", extremes.minColumnSum);
        summary.put("max_sinkhorn_residual", extremes.sinkhornResidual);
        summary.put("tokens_per_second", (long) steps * tokensPerStep / (trainNanos / 1e9));
        summary.put("diverged", false);
        summary.put("wall_seconds", wall);
        run.writeJson("summary.json", summary);
        try {
            run.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.printf("done: %s, %d steps, loss %.4f -> %.4f, val %.4f, max composite gain %.3f, %,.0f tok/s, %s; "
                        + "model in %s%n", settings.model().connection(), steps, initialLoss, lastLoss, valLoss,
                Math.max(extremes.forward, extremes.backward), summary.get("tokens_per_second"), clock(wall),
                run.modelDir());
        return summary;
    }

    private DataSet batch(int[][] windows) {
        int b = windows.length;
        int t = windows[0].length - 1;
        double[] features = new double[b * t];
        double[] labels = new double[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                features[i * t + j] = windows[i][j];
                labels[i * t + j] = windows[i][j + 1];
            }
        }
        return new DataSet(Nd4j.create(features, new long[] {b, t}, dataType),
                Nd4j.create(labels, new long[] {b, t}, dataType));
    }

    private List<DataSet> validation() {
        if (validation == null) {
            validation = new ArrayList<>();
            for (int i = 0; i < settings.evalBatches(); i++) {
                validation.add(batch(windows.validationBatch(i, settings.evalBatches(), settings.batch())));
            }
        }
        return validation;
    }

    private static Map<String, Object> probeRecord(int step, StabilityProbe.Report r, Double valLoss) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", step);
        if (valLoss != null) {
            rec.put("val_loss", valLoss);
        }
        rec.put("max_composite_gain_forward", r.maxCompositeForwardGain());
        rec.put("max_composite_gain_backward", r.maxCompositeBackwardGain());
        rec.put("min_composite_column_sum", r.minCompositeColumnSum());
        rec.put("max_sinkhorn_residual", r.maxSinkhornResidual());
        rec.put("sublayers", r.sublayers());
        return rec;
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }

    /** Worst values over every probe of the run. */
    private static final class Extremes {
        double forward;
        double backward;
        double minColumnSum = Double.POSITIVE_INFINITY;
        double sinkhornResidual;

        void add(StabilityProbe.Report r) {
            forward = Math.max(forward, r.maxCompositeForwardGain());
            backward = Math.max(backward, r.maxCompositeBackwardGain());
            minColumnSum = Math.min(minColumnSum, r.minCompositeColumnSum());
            sinkhornResidual = Math.max(sinkhornResidual, r.maxSinkhornResidual());
        }
    }
}
