package dev.mhcspark.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The model's parameters in the order they sit in DL4J's flat parameter vector: name, shape, initialiser and
 * whether weight decay applies. One place decides all of it; the DL4J initializer and the model code read it.
 *
 * <p>Names: {@code tokEmb [V,C]}, {@code posEmb [T,C]}, {@code streamOffsets [n,C]}, {@code readout [n]},
 * per sublayer {@code s<k>.norm [C]} and {@code s<k>.attn.wqkv [C,3C]}, {@code s<k>.attn.wo [C,C]} (k even) or
 * {@code s<k>.ffn.w1 [C,4C]}, {@code s<k>.ffn.b1 [4C]}, {@code s<k>.ffn.w2 [4C,C]}, {@code s<k>.ffn.b2 [C]}
 * (k odd), plus the connection's own ({@code s<k>.conn.*}), then {@code finalNorm [C]} and, if untied,
 * {@code unembed [C,V]}.
 */
public final class ParamLayout {

    /** Fills a parameter's values (row-major) at init. */
    @FunctionalInterface
    public interface Init {
        void fill(double[] values, SplittableRandom random);

        static Init normal(double std) {
            return (v, r) -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = std == 0 ? 0 : gaussian(r) * std;
                }
            };
        }

        static Init constant(double c) {
            return (v, r) -> java.util.Arrays.fill(v, c);
        }

        static Init normalAround(double mean, double std) {
            return (v, r) -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = mean + (std == 0 ? 0 : gaussian(r) * std);
                }
            };
        }

        /** {@code scale * I} for an n x n matrix. */
        static Init diagonal(int n, double scale) {
            return (v, r) -> {
                java.util.Arrays.fill(v, 0);
                for (int i = 0; i < n; i++) {
                    v[i * n + i] = scale;
                }
            };
        }

        private static double gaussian(SplittableRandom r) {
            // Box-Muller: SplittableRandom has no nextGaussian on Java 17
            double u1 = 1.0 - r.nextDouble();
            double u2 = r.nextDouble();
            return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }
    }

    public record Param(String name, long[] shape, Init init, boolean decayed, long offset) {
        public long length() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }
    }

    private final Map<String, Param> params;
    private final long total;

    private ParamLayout(List<Param> list) {
        // DL4J addresses gradients as "<layer>_<param>" and splits at the last '_'
        Map<String, Param> m = new LinkedHashMap<>();
        long off = 0;
        for (Param p : list) {
            Param placed = new Param(p.name, p.shape, p.init, p.decayed, off);
            if (m.put(p.name, placed) != null) {
                throw new IllegalStateException("duplicate parameter " + p.name);
            }
            off += placed.length();
        }
        this.params = Collections.unmodifiableMap(m);
        this.total = off;
    }

    public static ParamLayout of(ModelConfig c) {
        int cC = c.dModel();
        int n = c.streams();
        double outStd = c.initStd() / Math.sqrt(2.0 * c.blocks());
        List<Param> list = new ArrayList<>();
        list.add(p("tokEmb", Init.normal(c.initStd()), true, c.vocabSize(), cC));
        list.add(p("posEmb", Init.normal(c.initStd()), true, c.contextLength(), cC));
        if (c.connection() != ConnectionType.RESIDUAL) {
            list.add(p("streamOffsets", Init.normal(c.streamInitStd()), false, n, cC));
            list.add(p("readout", Init.normalAround(1.0, c.streamInitStd()), false, n));
        }
        for (int k = 0; k < c.sublayers(); k++) {
            String s = "s" + k + ".";
            list.add(p(s + "norm", Init.constant(1), false, cC));
            if (k % 2 == 0) {
                list.add(p(s + "attn.wqkv", Init.normal(c.initStd()), true, cC, 3L * cC));
                list.add(p(s + "attn.wo", Init.normal(outStd), true, cC, cC));
            } else {
                list.add(p(s + "ffn.w1", Init.normal(c.initStd()), true, cC, c.ffnWidth()));
                list.add(p(s + "ffn.b1", Init.constant(0), false, c.ffnWidth()));
                list.add(p(s + "ffn.w2", Init.normal(outStd), true, c.ffnWidth(), cC));
                list.add(p(s + "ffn.b2", Init.constant(0), false, cC));
            }
            list.addAll(connectionParams(c, k, s + "conn."));
        }
        list.add(p("finalNorm", Init.constant(1), false, cC));
        if (!c.tiedEmbeddings()) {
            list.add(p("unembed", Init.normal(c.initStd()), true, cC, c.vocabSize()));
        }
        return new ParamLayout(list);
    }

    private static List<Param> connectionParams(ModelConfig c, int k, String s) {
        int n = c.streams();
        int cC = c.dModel();
        return switch (c.connection()) {
            case RESIDUAL -> List.of();
            case HC -> List.of(
                    p(s + "theta", Init.constant(0), true, cC, n + 2L),
                    p(s + "alpha", Init.constant(c.gateInit()), false, 3),
                    p(s + "staticPre", oneHot(n, k % n), false, n),
                    p(s + "staticPost", Init.constant(1), false, n),
                    p(s + "staticRes", Init.diagonal(n, 1), false, n, n));
            case MHC -> List.of(
                    p(s + "phi", Init.constant(0), true, (long) n * cC, ManifoldHyperConnection.coefficients(n)),
                    p(s + "alpha", Init.constant(c.gateInit()), false, 3),
                    p(s + "bias", mhcBias(n, c.resBiasDiagonal()), false, ManifoldHyperConnection.coefficients(n)));
        };
    }

    private static Init oneHot(int n, int hot) {
        return (v, r) -> {
            java.util.Arrays.fill(v, 0);
            v[hot] = 1;
        };
    }

    /** Bias layout [pre (n) | post (n) | res (n*n, row-major)]: zeros except {@code d} on H_res's diagonal. */
    private static Init mhcBias(int n, double d) {
        return (v, r) -> {
            java.util.Arrays.fill(v, 0);
            for (int i = 0; i < n; i++) {
                v[2 * n + i * n + i] = d;
            }
        };
    }

    private static Param p(String name, Init init, boolean decayed, long... shape) {
        return new Param(name, shape, init, decayed, -1);
    }

    public Map<String, Param> params() {
        return params;
    }

    public Param get(String name) {
        Param p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return p;
    }

    public long totalLength() {
        return total;
    }
}
