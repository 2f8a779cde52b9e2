package dev.mhcspark.jobs;

import java.util.Locale;

/**
 * A {@code --master} of {@code mhc submit}, with the cluster manager it names. Known before anything runs, so an
 * unknown scheme never reaches spark-submit (which would only fail once a JVM has started).
 */
record SubmitMaster(String url, Manager manager) {
    /** The cluster manager, and the directory of its shipped defaults under {@code cluster/conf}. */
    enum Manager {
        YARN("yarn"), KUBERNETES("kubernetes"), STANDALONE("standalone"), LOCAL(null);

        private final String confDirectory;

        Manager(String confDirectory) {
            this.confDirectory = confDirectory;
        }

        /** @return the directory under {@code cluster/conf} with its defaults, or null (local: none) */
        String confDirectory() {
            return confDirectory;
        }
    }

    static SubmitMaster parse(String url) {
        String u = url == null ? "" : url.trim();
        String lower = u.toLowerCase(Locale.ROOT);
        if (lower.equals("yarn")) {
            return new SubmitMaster("yarn", Manager.YARN);
        }
        if (lower.startsWith("k8s://")) {
            String api = u.substring("k8s://".length());
            if (!(api.startsWith("http://") || api.startsWith("https://")) || api.length() <= "https://".length()) {
                throw new IllegalArgumentException("--master " + url + ": expected k8s://https://<api server>[:port] "
                        + "(or k8s://http://... for a plain-HTTP proxy such as kubectl proxy)");
            }
            return new SubmitMaster(u, Manager.KUBERNETES);
        }
        if (lower.startsWith("spark://")) {
            if (u.length() <= "spark://".length()) {
                throw new IllegalArgumentException("--master " + url
                        + ": expected spark://<host>:<port>[,<host>:<port>]");
            }
            return new SubmitMaster(u, Manager.STANDALONE);
        }
        if (lower.matches("local(\\[(\\*|\\d+)(,\\d+)?])?")) {
            return new SubmitMaster(u, Manager.LOCAL);
        }
        throw new IllegalArgumentException("--master " + url + ": unknown master; expected yarn, k8s://https://<api "
                + "server>, spark://<host>:<port> or local[N]");
    }
}
