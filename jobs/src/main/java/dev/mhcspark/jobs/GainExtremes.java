package dev.mhcspark.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mhcspark.model.StabilityProbe;
import java.util.List;

/** The worst stability figures seen over a run: what its summary reports. */
record GainExtremes(@JsonProperty("forward") double forward, @JsonProperty("backward") double backward,
                    @JsonProperty("min_column_sum") double minColumnSum,
                    @JsonProperty("sinkhorn_residual") double sinkhornResidual) {
    static final GainExtremes NONE = new GainExtremes(0, 0, Double.POSITIVE_INFINITY, 0);

    /** The summary.json fields, under the names both trainers' summaries use. */
    void putInto(java.util.Map<String, Object> summary) {
        summary.put("max_composite_gain_forward", forward);
        summary.put("max_composite_gain_backward", backward);
        summary.put("min_composite_column_sum", minColumnSum);
        summary.put("max_sinkhorn_residual", sinkhornResidual);
    }

    GainExtremes with(StabilityProbe.Report r) {
        return new GainExtremes(Math.max(forward, r.maxCompositeForwardGain()),
                Math.max(backward, r.maxCompositeBackwardGain()),
                Math.min(minColumnSum, r.minCompositeColumnSum()),
                Math.max(sinkhornResidual, r.maxSinkhornResidual()));
    }

    /** Folds in the whole-model probe records ({@link MetricRecord#probe}) among {@code rows}. */
    GainExtremes withWorkerRows(List<MetricRecord> rows) {
        GainExtremes e = this;
        for (MetricRecord r : rows) {
            double v = r.value();
            e = switch (r.metric()) {
                case "max_composite_gain_forward" -> new GainExtremes(Math.max(e.forward, v), e.backward,
                        e.minColumnSum, e.sinkhornResidual);
                case "max_composite_gain_backward" -> new GainExtremes(e.forward, Math.max(e.backward, v),
                        e.minColumnSum, e.sinkhornResidual);
                case "min_composite_column_sum" -> new GainExtremes(e.forward, e.backward,
                        Math.min(e.minColumnSum, v), e.sinkhornResidual);
                case "max_sinkhorn_residual" -> new GainExtremes(e.forward, e.backward, e.minColumnSum,
                        Math.max(e.sinkhornResidual, v));
                default -> e;
            };
        }
        return e;
    }
}
