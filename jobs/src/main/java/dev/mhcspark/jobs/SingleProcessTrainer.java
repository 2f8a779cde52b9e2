package dev.mhcspark.jobs;

import dev.mhcspark.datasets.TokenWindows;
import dev.mhcspark.model.StabilityProbe;
import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.TransformerLayerImpl;
import java.io.PrintStream;
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
        run.writeJson(RunDirectory.CONFIG, settings);

        SplittableRandom random = new SplittableRandom(settings.seed());
        double initialLoss = Double.NaN;
        double lastLoss = Double.NaN;
        double valLoss = Validation.meanLoss(net, validation());
        StabilityProbe.Report probe = Validation.probe(net, layer, validation());
        GainExtremes extremes = GainExtremes.NONE.with(probe);
        List<MetricRecord> pending = new ArrayList<>(MetricRecord.validation(0, valLoss, probe));
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
                run.metrics().append(pending);
                throw new IllegalStateException("training diverged at step " + step + ": loss " + lastLoss);
            }
            boolean probeStep = step % settings.probeEvery() == 0 || step == steps;
            List<MetricRecord> rows = WorkerMetricsListener.records(net, step, 0, probeStep);
            extremes = extremes.withWorkerRows(rows);
            pending.addAll(rows);
            if (step % settings.evalEvery() == 0 || step == steps) {
                valLoss = Validation.meanLoss(net, validation());
                probe = Validation.probe(net, layer, validation());
                extremes = extremes.with(probe);
                pending.addAll(MetricRecord.validation(step, valLoss, probe));
                run.metrics().append(pending);
                pending.clear();
            }
            if (step % settings.logEvery() == 0 || step == steps) {
                double tokPerSec = tokensPerStep * (double) step / (trainNanos / 1e9);
                double eta = (steps - step) * (System.nanoTime() - started) / 1e9 / step;
                out.printf("step %5d/%d  loss %.4f  val %.4f  lr %.2e  %,.0f tok/s  gain fwd %.3f bwd %.3f  ETA %s%n",
                        step, steps, lastLoss, valLoss, net.getLearningRate(0), tokPerSec,
                        extremes.forward(), extremes.backward(), Clock.format(eta));
            }
        }
        run.saveModel(net);
        double wall = (System.nanoTime() - started) / 1e9;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("connection", settings.model().connection().id());
        summary.put("parameters", net.numParams());
        summary.put("steps", steps);
        summary.put("tokens", (long) steps * tokensPerStep);
        summary.put("initial_loss", initialLoss);
        summary.put("final_loss", lastLoss);
        summary.put("final_val_loss", valLoss);
        extremes.putInto(summary);
        summary.put("tokens_per_second", (long) steps * tokensPerStep / (trainNanos / 1e9));
        summary.put("diverged", false);
        summary.put("wall_seconds", wall);
        run.writeJson(RunDirectory.SUMMARY, summary);
        out.printf("done: %s, %d steps, loss %.4f -> %.4f, val %.4f, max composite gain %.3f, %,.0f tok/s, %s; "
                        + "model in %s%n", settings.model().connection(), steps, initialLoss, lastLoss, valLoss,
                Math.max(extremes.forward(), extremes.backward()), summary.get("tokens_per_second"),
                Clock.format(wall), run.modelLocation());
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
}
