package dev.mhcspark.model;

/**
 * Whether this JVM can run the model's Vector API kernels, and the flag that lets a JVM do so: launchers and
 * Spark configurations pass {@link #JVM_FLAG} to every JVM that trains or evaluates; without it the kernels keep
 * their plain loops.
 */
public final class VectorApi {
    /** The incubating module the kernels use. */
    public static final String MODULE = "jdk.incubator.vector";
    /** The JVM option that adds {@link #MODULE}. */
    public static final String JVM_FLAG = "--add-modules=" + MODULE;

    private static final boolean AVAILABLE = ModuleLayer.boot().findModule(MODULE).isPresent();

    private VectorApi() {
    }

    /** Whether this JVM runs with {@link #MODULE} (its boot layer has it). */
    public static boolean available() {
        return AVAILABLE;
    }
}
