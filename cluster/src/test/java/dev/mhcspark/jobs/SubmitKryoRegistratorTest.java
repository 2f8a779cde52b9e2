package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.reflect.ClassTag$;

/** The shipped Kryo settings round-trip what the jobs shuffle: records and ND4J arrays. */
class SubmitKryoRegistratorTest {
    record Block(int index, String file, int[] tokens) implements Serializable {
    }

    private static SerializerInstance shippedKryo() {
        SparkConf conf = new SparkConf(false)
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", SubmitKryoRegistrator.class.getName());
        return new KryoSerializer(conf).newInstance();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(SerializerInstance kryo, T value) {
        ByteBuffer bytes = kryo.serialize(value, ClassTag$.MODULE$.apply(Object.class));
        return (T) kryo.deserialize(bytes, ClassTag$.MODULE$.apply(Object.class));
    }

    @Test
    void recordsSurviveKryo() {
        Block block = new Block(3, "hdfs://nn/corpus/a.txt", new int[] {1, 2, 256});
        Block copy = roundTrip(shippedKryo(), block);
        assertEquals(3, copy.index());
        assertEquals(block.file(), copy.file());
        assertArrayEquals(block.tokens(), copy.tokens());
    }

    @Test
    void unmodifiableCollectionsSurviveKryo() {
        SerializerInstance kryo = shippedKryo();
        assertEquals(List.of(1, 2, 3), roundTrip(kryo, List.of(1, 2, 3)));
        assertEquals(List.of("a"), roundTrip(kryo, java.util.stream.Stream.of("a").toList()));
        assertEquals(java.util.Map.of("k", 1L), roundTrip(kryo, java.util.Map.of("k", 1L)));
        assertEquals(List.of(4), roundTrip(kryo, java.util.Collections.unmodifiableList(new java.util.ArrayList<>(
                List.of(4)))));
    }

    @Test
    void nd4jArraysKeepTheirOffHeapData() {
        INDArray array = Nd4j.linspace(1, 12, 12, DataType.FLOAT).reshape(3, 4);
        INDArray copy = roundTrip(shippedKryo(), array);
        assertEquals(array, copy);
        assertArrayEquals(new long[] {3, 4}, copy.shape());
    }
}
