#!/usr/bin/env bash
# Start a throwaway single-node Apache Kafka broker (KRaft) on loopback.
#
#   infra/kafka/start-kafka.sh <lib-dir> <data-dir> <broker-port> <controller-port> \
#     [<proxied-port> <proxied-advertised-port>]
#
# With the last two, the broker has a second listener, PROXIED, on <proxied-port>, which
# advertises <proxied-advertised-port>: clients that bootstrap through a TCP proxy listening
# there keep going through it after the metadata call (fault-injection tests cut that proxy).
#
# <lib-dir> holds the jars resolved from infra/kafka/pom.xml (see fetch-kafka.sh).
# The data dir is formatted on first use and reused afterwards. The script execs the JVM,
# so its pid is the broker's pid.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lib=${1:?lib dir}; data=${2:?data dir}; port=${3:?broker port}; cport=${4:?controller port}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
mkdir -p "$data"
sed -e "s|@BROKER_PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$cport|g" -e "s|@DATA_DIR@|$data|g" \
  "$here/server.properties.template" > "$data/server.properties"
if [ -n "${5:-}" ]; then
  proxied=${5}; advertised=${6:?proxied advertised port}
  sed -i -e "s|^listeners=\(.*\)$|listeners=\1,PROXIED://127.0.0.1:$proxied|" \
    -e "s|^advertised.listeners=\(.*\)$|advertised.listeners=\1,PROXIED://127.0.0.1:$advertised|" \
    -e "s|^listener.security.protocol.map=\(.*\)$|listener.security.protocol.map=\1,PROXIED:PLAINTEXT|" \
    "$data/server.properties"
fi
# Secured mode (issue 20): KAFKA_SCRAM_USERS="admin:secret,carenet-gateway:pw,…" makes every
# listener authenticate. Clients speak SASL/SCRAM-SHA-512 (or -256) on the broker port; the
# controller listener speaks SASL/PLAIN as the first user (the broker's own principal, the only
# super user); the StandardAuthorizer refuses what no ACL grants. Each user's SCRAM credentials
# are written into the metadata log when the storage is formatted.
scram=()
if [ -n "${KAFKA_SCRAM_USERS:-}" ]; then
  IFS=',' read -r -a users <<<"$KAFKA_SCRAM_USERS"
  admin=${users[0]%%:*}; admin_password=${users[0]#*:}
  plain_users=""
  for user in "${users[@]}"; do
    name=${user%%:*}; password=${user#*:}
    scram+=(--add-scram "SCRAM-SHA-512=[name=$name,password=$password]"
      --add-scram "SCRAM-SHA-256=[name=$name,password=$password]")
    [ "$name" = "$admin" ] && plain_users="user_$name=\"$password\""
  done
  sed -i -e "s|^listeners=.*$|listeners=CLIENTS://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport|" \
    -e "s|^advertised.listeners=.*$|advertised.listeners=CLIENTS://127.0.0.1:$port|" \
    -e "s|^inter.broker.listener.name=.*$|inter.broker.listener.name=CLIENTS|" \
    -e "s|^listener.security.protocol.map=.*$|listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,CLIENTS:SASL_PLAINTEXT|" \
    "$data/server.properties"
  cat >>"$data/server.properties" <<PROPERTIES

# Secured mode (KAFKA_SCRAM_USERS): SASL everywhere, ACLs enforced.
sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.clients.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$admin" password="$admin_password";
listener.name.clients.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$admin" password="$admin_password";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$admin" password="$admin_password" $plain_users;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$admin
allow.everyone.if.no.acl.found=false
PROPERTIES
fi
jvm=(-Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$here/log4j2.properties")
if [ ! -f "$data/logs/meta.properties" ]; then
  # A cluster id is a base64url-encoded 16-byte UUID (what `StorageTool random-uuid` prints).
  # Like Kafka's own Uuid.randomUuid, never one starting with '-': the tool's argument parser
  # would read it as an option (1 start in 64 failed that way).
  cluster_id=-
  while [ "${cluster_id#-}" != "$cluster_id" ]; do
    cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  done
  "$java" "${jvm[@]}" -cp "$lib/*" kafka.tools.StorageTool format \
    --cluster-id="$cluster_id" -c "$data/server.properties" ${scram[@]+"${scram[@]}"} >"$data/format.log" 2>&1 \
    || { cat "$data/format.log" >&2; exit 1; }
fi
exec "$java" "${jvm[@]}" -cp "$lib/*" kafka.Kafka "$data/server.properties"
