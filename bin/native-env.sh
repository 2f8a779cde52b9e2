# Sourced by bin/mhc and bench/run.sh: how the native libraries (libnd4j's OpenMP, OpenBLAS, glibc malloc) should
# behave in a JVM that trains. Every setting keeps a value the user already exported. Figures: BENCHMARKS.md.

# one process trains on every core; Spark executors set 1 thread per task themselves
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(nproc)}"
# idle OpenMP threads sleep at once instead of spinning: spinning threads take the cores from the JVM's threads
# between native ops (single-process training measured 1.4-1.6x faster)
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# OpenBLAS's own worker threads likewise: by default they spin ~2^28 cycles (~0.1 s) after every GEMM, so the
# JVM's loops between GEMMs ran on one core; 2^16 cycles keeps them warm across back-to-back GEMMs only
# (one-process training: residual 1.1x, mHC 1.15-1.3x faster)
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-16}"
# glibc keeps freed buffers instead of returning them to the OS: page faults otherwise cost ND4J/BLAS throughput
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-1073741824}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"
