package dev.mhcspark.jobs;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.kryo.Nd4jSerializer;

/**
 * The Kryo registrator of the shipped {@code spark.kryo.registrator}: makes Kryo serialization work for this
 * project's data, which Spark's Kryo 4 cannot handle by default.
 * <ul>
 *   <li><b>Java records</b> (the jobs' RDD elements, e.g. the tokenize job's {@code InputFile}): Kryo 4's
 *   FieldSerializer fails on them ("can't get field offset on a record class"), so the first shuffle of a job
 *   fails. Records go through Java serialization instead (they are Serializable, as Spark's default serializer
 *   already requires), which builds them through their canonical constructor.</li>
 *   <li><b>Unmodifiable collections</b> ({@code List.of}, {@code Stream.toList()}, {@code Collections.unmodifiable*}):
 *   Kryo's CollectionSerializer rebuilds a collection by calling {@code add}, which they refuse. Java
 *   serialization again.</li>
 *   <li><b>ND4J arrays</b>: without a serializer Kryo copies an array's fields and loses its off-heap buffer.
 *   ND4J's documented {@code org.nd4j.kryo.Nd4jRegistrator} is missing from nd4j-kryo_2.12 1.0.0-M2 (the jar holds
 *   only {@code Nd4jSerializer}), so a conf naming it fails with ClassNotFoundException. The array classes are
 *   looked up by name without initialising them: a job that never touches ND4J (tokenize) does not load the native
 *   backend, and whichever backend is on the classpath (CPU, CUDA) gets registered.</li>
 * </ul>
 */
public final class SubmitKryoRegistrator implements KryoRegistrator {
    /** The JDK's List.of / Stream.toList / Collections.unmodifiable* families (superclasses cover each family). */
    private static final String[] UNMODIFIABLE_COLLECTION_CLASSES = {
        "java.util.ImmutableCollections$AbstractImmutableCollection",
        "java.util.ImmutableCollections$AbstractImmutableMap",
        "java.util.Collections$UnmodifiableCollection",
        "java.util.Collections$UnmodifiableMap",
    };
    private static final String[] ND4J_ARRAY_CLASSES = {
        "org.nd4j.linalg.cpu.nativecpu.NDArray",
        "org.nd4j.linalg.jcublas.JCublasNDArray",
    };

    @Override
    public void registerClasses(Kryo kryo) {
        // applies to every subclass of java.lang.Record, i.e. every record
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
        for (String name : UNMODIFIABLE_COLLECTION_CLASSES) {
            try {
                kryo.addDefaultSerializer(Class.forName(name), JavaSerializer.class);
            } catch (ClassNotFoundException otherJdk) {
                // JDK internals; a JDK without them needs nothing here
            }
        }
        ClassLoader loader = kryo.getClassLoader() != null ? kryo.getClassLoader()
                : SubmitKryoRegistrator.class.getClassLoader();
        for (String name : ND4J_ARRAY_CLASSES) {
            try {
                kryo.register(Class.forName(name, false, loader), new Nd4jSerializer());
            } catch (ClassNotFoundException absentBackend) {
                // only one backend is on a classpath
            }
        }
    }
}
