package dev.mhcspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.ModelStore;
import dev.mhcspark.model.dl4j.OptimizerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class ModelStoreTest {
    @TempDir
    Path dir;

    private static MultiLayerNetwork trained() {
        MultiLayerNetwork net = MhcNetworks.build(TinyModels.config(ConnectionType.MHC),
                OptimizerSettings.adamW(1e-2, 1, 50), 3, DataType.FLOAT);
        for (int s = 0; s < 3; s++) {
            net.fit(new DataSet(TinyModels.ids(s, 2, TinyModels.T).castTo(DataType.FLOAT),
                    TinyModels.labels(s, 2, TinyModels.T).castTo(DataType.FLOAT)));
        }
        return net;
    }

    @Test
    void savedModelReloadsWithSameOutputsConfigAndUpdaterState() throws Exception {
        MultiLayerNetwork net = trained();
        ModelStore.save(net, dir);
        assertTrue(Files.readString(dir.resolve("config.json")).contains("\"connection\" : \"mhc\""));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
        MultiLayerNetwork back = ModelStore.load(dir, TinyModels.config(ConnectionType.MHC));
        INDArray ids = TinyModels.ids(9, 2, TinyModels.T).castTo(DataType.FLOAT);
        assertEquals(net.output(ids), back.output(ids));
        assertEquals(net.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        assertEquals(3, back.getIterationCount());
    }

    @Test
    void mismatchedConfigIsAClearError() {
        ModelStore.save(trained(), dir);
        ModelConfig other = TinyModels.config(ConnectionType.MHC).toBuilder().sinkhornIterations(10).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelStore.load(dir, other));
        assertTrue(e.getMessage().contains("sinkhorn_iterations: 10 vs 20"), e.getMessage());
    }

    @Test
    void truncatedOrCorruptModelFileIsAClearError() throws Exception {
        ModelStore.save(trained(), dir);
        Path zip = dir.resolve("model.zip");
        byte[] bytes = Files.readAllBytes(zip);
        Files.write(zip, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelStore.load(dir));
        assertTrue(e.getMessage().contains("corrupt or truncated") && e.getMessage().contains("model.zip"),
                e.getMessage());
        Files.writeString(zip, "not a zip at all");
        e = assertThrows(IllegalArgumentException.class, () -> ModelStore.load(dir));
        assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelStore.load(dir));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
        ModelStore.save(trained(), dir);
        Files.delete(dir.resolve("model.zip"));
        e = assertThrows(IllegalArgumentException.class, () -> ModelStore.load(dir));
        assertTrue(e.getMessage().contains("no model.zip"), e.getMessage());
    }
}
