package dev.mhcspark.bench;

import dev.mhcspark.model.ConnectionType;
import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.OptimizerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training-step throughput of our DL4J layers for each connection, next to ND4J's own fp32 GEMM (the
 * machine's practical peak) and the same residual model in libtorch, all measured in one run. Prints one
 * line per figure and a Markdown table for BENCHMARKS.md. Run it with {@code bench/run.sh}.
 *
 * <p>Model (the issue's): vocab 256, d_model 256, 4 heads, 4 blocks, FFN 4x, T = 128, batch 16, AdamW.
 * FLOP/token = 6 N + 12 L d T with N our parameter count (L = blocks).
 */
public final class ModelBenchmark {
    private static final int VOCAB = 256;
    private static final int STEPS_PER_ROUND = 4;

    public static void main(String[] args) throws Exception {
        int dModel = intArg(args, "--d-model", 256);
        int heads = intArg(args, "--heads", 4);
        int blocks = intArg(args, "--blocks", 4);
        int seqLen = intArg(args, "--seq-len", 128);
        int batch = intArg(args, "--batch", 16);
        int warmup = intArg(args, "--warmup", 4);
        int steps = intArg(args, "--steps", 12);
        boolean libtorch = !List.of(args).contains("--no-libtorch");

        double gemm = gemmGflops(1024, 20);
        System.out.printf("nd4j fp32 GEMM 1024^3: %.1f GFLOP/s%n", gemm);
        List<String> rows = new ArrayList<>();
        ConnectionType[] types = ConnectionType.values();
        MultiLayerNetwork[] nets = new MultiLayerNetwork[types.length];
        SplittableRandom random = new SplittableRandom(7);
        for (int m = 0; m < types.length; m++) {
            nets[m] = MhcNetworks.build(ModelConfig.of(types[m], VOCAB, dModel, heads, blocks, seqLen),
                    OptimizerSettings.adamW(3e-4, 1, 1000), 1, DataType.FLOAT);
            for (int i = 0; i < warmup; i++) {
                nets[m].fit(randomBatch(random, batch, seqLen));
            }
        }
        // timed rounds interleave the models, so drift of the machine's speed hits them alike
        double[] seconds = new double[types.length];
        int rounds = Math.max(1, steps / STEPS_PER_ROUND);
        for (int round = 0; round < rounds; round++) {
            for (int m = 0; m < types.length; m++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < STEPS_PER_ROUND; i++) {
                    nets[m].fit(randomBatch(random, batch, seqLen));
                }
                seconds[m] += (System.nanoTime() - t0) / 1e9;
            }
        }
        double residualStep = seconds[0] / (rounds * STEPS_PER_ROUND);
        for (int m = 0; m < types.length; m++) {
            double step = seconds[m] / (rounds * STEPS_PER_ROUND);
            double tokPerSec = batch * seqLen / step;
            double gflops = tokPerSec * flopsPerToken(nets[m].numParams(), blocks, dModel, seqLen) / 1e9;
            int n = MhcNetworks.modelConfig(nets[m]).streams();
            System.out.printf("%-8s n=%d: %,.0f tok/s, %.3f s/step, %.1f GFLOP/s (%.1f %% of GEMM), %.2fx residual "
                    + "step time, %,d params%n", types[m], n, tokPerSec, step, gflops, 100 * gflops / gemm,
                    step / residualStep, nets[m].numParams());
            rows.add(String.format("| ours (DL4J), %s, n=%d | %,.0f | %.1f | %.1f %% | %.2fx |", types[m], n,
                    tokPerSec, gflops, 100 * gflops / gemm, step / residualStep));
        }
        if (libtorch) {
            LibtorchReference.Result r = LibtorchReference.measure(VOCAB, dModel, heads, blocks, seqLen, batch,
                    warmup, steps, 7);
            System.out.printf("libtorch residual: %,.0f tok/s, %.3f s/step, %.1f GFLOP/s; ours/libtorch (residual) "
                    + "= %.2f%n", r.tokensPerSecond(), r.stepSecondsMean(), r.gflopsPerSecond(),
                    r.stepSecondsMean() / residualStep);
            rows.add(String.format("| libtorch 2.7.1 (DJL), residual | %,.0f | %.1f | %.1f %% | %.2fx |",
                    r.tokensPerSecond(), r.gflopsPerSecond(), 100 * r.gflopsPerSecond() / gemm,
                    r.stepSecondsMean() / residualStep));
        }
        System.out.printf("peak RSS: %s%n", peakRss());
        System.out.println();
        System.out.println("| model | tokens/s | GFLOP/s | of GEMM peak | step time vs our residual |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    static double flopsPerToken(long params, int blocks, int dModel, int seqLen) {
        return 6.0 * params + 12.0 * blocks * dModel * seqLen;
    }

    private static DataSet randomBatch(SplittableRandom random, int batch, int seqLen) {
        double[] f = new double[batch * seqLen];
        double[] l = new double[batch * seqLen];
        for (int i = 0; i < f.length; i++) {
            f[i] = random.nextInt(VOCAB);
            l[i] = random.nextInt(VOCAB);
        }
        return new DataSet(Nd4j.create(f, new long[] {batch, seqLen}, DataType.FLOAT),
                Nd4j.create(l, new long[] {batch, seqLen}, DataType.FLOAT));
    }

    private static double gemmGflops(int size, int reps) {
        INDArray a = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray b = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, size, size);
        for (int i = 0; i < 3; i++) {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        }
        return 2.0 * size * size * size * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
    }

    private static String peakRss() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst().orElse("unknown");
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }
}
