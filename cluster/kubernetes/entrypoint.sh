#!/usr/bin/env bash
# Entry point of the mhc-spark images, after Spark's resource-managers/kubernetes/docker/.../entrypoint.sh, for an
# image without a Spark distribution: every jar (Spark's included) is in /opt/mhc/jars.
#   driver   ARGS: the pod spark-submit created; runs SparkSubmit in client mode inside the pod
#   executor:      KubernetesExecutorBackend, configured by the SPARK_* variables Spark sets on executor pods
#   anything else: run as a command (debugging: kubectl run ... -- bash)
set -euo pipefail

CLASSPATH="/opt/mhc/jars/*"
if [[ -n "${HADOOP_CONF_DIR:-}" ]]; then CLASSPATH="$HADOOP_CONF_DIR:$CLASSPATH"; fi
if [[ -n "${SPARK_EXTRA_CLASSPATH:-}" ]]; then CLASSPATH="$CLASSPATH:$SPARK_EXTRA_CLASSPATH"; fi

# Spark on Java 17 (org.apache.spark.launcher.JavaModuleOptions), and the Vector API module
MODULE_FLAGS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  # the model's per-token kernels run on the (incubating) Vector API when it is there; the JVM says so on start
  --add-modules=jdk.incubator.vector
)

# value of KEY in the properties file Spark mounts into driver pods (spark-submit's launcher would read it)
property() {
  local file=/opt/spark/conf/spark.properties
  [[ -f "$file" ]] || return 0
  sed -n "s/^$1[[:space:]]*[=:]\{0,1\}[[:space:]]*//p" "$file" | tail -n 1
}

case "${1:-}" in
  driver)
    shift
    # the driver JVM's heap and flags must be set when it starts (what the spark-submit script does)
    read -r -a DRIVER_OPTS <<< "$(property 'spark\.driver\.extraJavaOptions')"
    DRIVER_MEMORY="$(property 'spark\.driver\.memory')"
    exec /usr/bin/tini -s -- "$JAVA_HOME/bin/java" -Xmx"${DRIVER_MEMORY:-1g}" "${MODULE_FLAGS[@]}" "${DRIVER_OPTS[@]}" \
      -cp "$CLASSPATH" org.apache.spark.deploy.SparkSubmit \
      --conf "spark.driver.bindAddress=$SPARK_DRIVER_BIND_ADDRESS" \
      --conf "spark.executorEnv.SPARK_DRIVER_POD_IP=$SPARK_DRIVER_BIND_ADDRESS" \
      --deploy-mode client "$@"
    ;;
  executor)
    shift
    # spark.executor.extraJavaOptions arrive as SPARK_JAVA_OPT_0, _1, ... (one option each, in order)
    readarray -t EXECUTOR_OPTS < <(env | grep '^SPARK_JAVA_OPT_' | sort -t_ -k4 -n | sed 's/[^=]*=\(.*\)/\1/g')
    exec /usr/bin/tini -s -- "$JAVA_HOME/bin/java" "${MODULE_FLAGS[@]}" "${EXECUTOR_OPTS[@]}" \
      -Xms"$SPARK_EXECUTOR_MEMORY" -Xmx"$SPARK_EXECUTOR_MEMORY" \
      -cp "$CLASSPATH" org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
      --driver-url "$SPARK_DRIVER_URL" --executor-id "$SPARK_EXECUTOR_ID" --cores "$SPARK_EXECUTOR_CORES" \
      --app-id "$SPARK_APPLICATION_ID" --hostname "$SPARK_EXECUTOR_POD_IP" \
      --resourceProfileId "$SPARK_RESOURCE_PROFILE_ID" --podName "$SPARK_EXECUTOR_POD_NAME"
    ;;
  *)
    exec "$@"
    ;;
esac
