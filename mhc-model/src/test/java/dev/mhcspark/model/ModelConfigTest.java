package dev.mhcspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ModelConfigTest {
    private static final ModelConfig BASE = ModelConfig.of(ConnectionType.MHC, 256, 64, 4, 2, 32);

    private static void rejects(String setting, String range, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith(setting + ":"), "names the setting: " + e.getMessage());
        assertTrue(e.getMessage().contains(range), "states what is allowed: " + e.getMessage());
    }

    @Test
    void invalidSettingsNameTheSettingAndTheAllowedRange() {
        rejects("heads", "divisor of d_model", () -> ModelConfig.of(ConnectionType.MHC, 256, 64, 5, 2, 32));
        rejects("streams", ">= 1", () -> BASE.toBuilder().streams(0).build());
        rejects("sinkhorn_iterations", ">= 1", () -> BASE.toBuilder().sinkhornIterations(0).build());
        rejects("d_model", ">= 1", () -> ModelConfig.of(ConnectionType.MHC, 256, -8, 4, 2, 32));
        rejects("blocks", ">= 1", () -> ModelConfig.of(ConnectionType.MHC, 256, 64, 4, -1, 32));
        rejects("vocab_size", ">= 2", () -> ModelConfig.of(ConnectionType.MHC, 0, 64, 4, 2, 32));
        rejects("streams", "exactly 1", () -> ModelConfig.builder(ConnectionType.RESIDUAL).streams(4).build());
        rejects("stream_init_std", ">= 0", () -> BASE.toBuilder().streamInitStd(-1).build());
        rejects("connection", "expected one of [residual, hc, mhc]", () -> ConnectionType.parse("hyper"));
    }

    @Test
    void defaultsFollowThePaper() {
        assertEquals(4, BASE.streams());
        assertEquals(20, BASE.sinkhornIterations());
        assertEquals(0.01, BASE.gateInit());
        assertEquals(1, ModelConfig.of(ConnectionType.RESIDUAL, 256, 64, 4, 2, 32).streams());
        assertEquals(4, BASE.sublayers());
    }

    @Test
    void jsonRoundTripsAndIsValidatedOnRead() {
        assertEquals(BASE, ModelConfig.fromJson(BASE.toJson()));
        assertTrue(BASE.toJson().contains("\"connection\" : \"mhc\""), BASE.toJson());
        String broken = BASE.toJson().replace("\"heads\" : 4", "\"heads\" : 3");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromJson(broken));
        assertTrue(e.getMessage().contains("heads"), e.getMessage());
    }
}
