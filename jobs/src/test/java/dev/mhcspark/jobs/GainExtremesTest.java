package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GainExtremesTest {
    @Test
    void foldsTheWholeModelProbeRowsAndIgnoresTheRest() {
        GainExtremes e = GainExtremes.NONE.withWorkerRows(List.of(
                new MetricRecord(4, 0, "max_composite_gain_forward", null, 1.5),
                new MetricRecord(4, 1, "max_composite_gain_forward", null, 1.25),
                new MetricRecord(4, 0, "max_composite_gain_backward", null, 2.0),
                new MetricRecord(4, 0, "min_composite_column_sum", null, 0.5),
                new MetricRecord(4, 1, "min_composite_column_sum", null, 0.75),
                new MetricRecord(4, 0, "max_sinkhorn_residual", null, 1e-3),
                new MetricRecord(4, 0, "composite_gain_forward", "sublayer_3", 99),
                new MetricRecord(4, 0, "grad_norm", null, 312)));
        assertEquals(new GainExtremes(1.5, 2.0, 0.5, 1e-3), e);
    }
}
