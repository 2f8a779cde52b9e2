package dev.mhcspark.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches the workers' records for a run going bad: a non-finite loss, a step whose mean loss (over workers)
 * exceeds {@code spikeFactor} times the moving average of the previous steps, or a composite Amax gain above
 * {@code maxGain}. Each finding is returned as an {@code event_*} metric record; what the trainer then does is
 * {@link Settings#action}.
 */
final class DivergenceGuard {
    /** Exponential moving average weight of the newest step. */
    static final double SMOOTHING = 0.1;

    enum Action {
        /** Restore the last good parameters, checkpoint them, write the summary and end the run. */
        STOP,
        /** Restore the last good parameters and go on with the next round's data. */
        SKIP,
        /** Record the event and go on. */
        CONTINUE;

        static Action parse(String value) {
            try {
                return valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--on-divergence: expected stop, skip or continue, got " + value);
            }
        }
    }

    /**
     * @param spikeFactor a step's loss above this multiple of the moving average is a spike; &gt; 1
     * @param maxGain     a forward or backward composite gain above this is an event; &gt; 1
     */
    record Settings(@JsonProperty("on_divergence") Action action, @JsonProperty("spike_factor") double spikeFactor,
                    @JsonProperty("max_gain") double maxGain) {
        Settings {
            if (action == null) {
                throw new IllegalArgumentException("--on-divergence: missing");
            }
            if (!(spikeFactor > 1)) {
                throw new IllegalArgumentException("--spike-factor: must be > 1, got " + spikeFactor);
            }
            if (!(maxGain > 1)) {
                throw new IllegalArgumentException("--max-gain: must be > 1, got " + maxGain);
            }
        }
    }

    private final Settings settings;
    private double lossAverage;

    /** @param lossAverage the moving average so far (NaN before the first step), restored on resume */
    DivergenceGuard(Settings settings, double lossAverage) {
        this.settings = settings;
        this.lossAverage = lossAverage;
    }

    double lossAverage() {
        return lossAverage;
    }

    /**
     * Checks the records of the steps of one averaging round and returns the events found; the moving average
     * advances only over the round's steps when nothing was found, so a rejected round leaves no trace in it.
     */
    List<MetricRecord> check(List<MetricRecord> round) {
        List<MetricRecord> events = new ArrayList<>();
        Map<Long, double[]> lossByStep = new TreeMap<>();  // step -> {sum, count}
        for (MetricRecord r : round) {
            switch (r.metric()) {
                case "loss" -> {
                    if (!Double.isFinite(r.value())) {
                        events.add(new MetricRecord(r.step(), r.worker(), "event_nonfinite_loss", null, r.value()));
                    }
                    double[] acc = lossByStep.computeIfAbsent(r.step(), s -> new double[2]);
                    acc[0] += r.value();
                    acc[1]++;
                }
                case "max_composite_gain_forward", "max_composite_gain_backward" -> {
                    if (!(r.value() <= settings.maxGain())) {
                        events.add(new MetricRecord(r.step(), r.worker(), "event_gain_threshold", null, r.value()));
                    }
                }
                default -> {
                }
            }
        }
        if (!events.isEmpty()) {
            return events;
        }
        double average = lossAverage;
        for (Map.Entry<Long, double[]> e : lossByStep.entrySet()) {
            double loss = e.getValue()[0] / e.getValue()[1];
            if (!Double.isNaN(average) && loss > settings.spikeFactor() * average) {
                events.add(new MetricRecord(e.getKey(), MetricRecord.DRIVER, "event_loss_spike", null, loss));
                return events;
            }
            average = Double.isNaN(average) ? loss : (1 - SMOOTHING) * average + SMOOTHING * loss;
        }
        lossAverage = average;
        return events;
    }

    /** A one-line description of an event record for the console. */
    static String describe(MetricRecord event) {
        String who = event.worker() == MetricRecord.DRIVER ? "" : " on worker " + event.worker();
        return switch (event.metric()) {
            case "event_nonfinite_loss" -> "non-finite loss " + event.value() + " at step " + event.step() + who;
            case "event_loss_spike" -> String.format("loss spike %.4f at step %d%s", event.value(), event.step(), who);
            case "event_gain_threshold" -> String.format("composite gain %.4g at step %d%s", event.value(),
                    event.step(), who);
            default -> event.metric() + " " + event.value() + " at step " + event.step() + who;
        };
    }
}
