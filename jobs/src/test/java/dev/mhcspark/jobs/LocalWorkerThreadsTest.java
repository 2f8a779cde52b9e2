package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many native threads each task gets when Spark runs the tasks inside this JVM. */
class LocalWorkerThreadsTest {
    @Test
    void localMastersShareTheCoresAmongTheWorkersThatRunAtOnce() {
        assertEquals(1, LocalWorkerThreads.perTask("local[2]", 2, 2));
        assertEquals(4, LocalWorkerThreads.perTask("local[*]", 2, 8));
        assertEquals(2, LocalWorkerThreads.perTask("local[4]", 4, 8));
        assertEquals(4, LocalWorkerThreads.perTask("local[2,3]", 4, 8), "2 slots, retries 3");
        assertEquals(1, LocalWorkerThreads.perTask("local[8]", 4, 2), "never below one");
        assertEquals(8, LocalWorkerThreads.perTask("local", 4, 8), "one task at a time");
        assertEquals(3, LocalWorkerThreads.perTask("local[2]", 1, 3), "one worker uses every core");
    }

    @Test
    void executorsInOtherJvmsKeepTheirOwnSettings() {
        for (String master : new String[] {"local-cluster[2,1,1536]", "yarn", "spark://host:7077",
                "k8s://https://host:6443"}) {
            assertEquals(0, LocalWorkerThreads.perTask(master, 2, 8), master);
        }
    }
}
