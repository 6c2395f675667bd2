#!/bin/bash
# First boot of the workshop's Kafka VM (cloud-init runcmd, as root): Java, the broker's jars
# checked against the kit's lock, a SCRAM login of its own, the broker under systemd; ends by
# printing the settings the kit's .env needs (console output and ~/kafka-settings.txt).
set -euo pipefail
etc=/etc/kafka-kit state=/var/lib/kafka-kit libs=/opt/kafka-kit/libs
. "$etc/broker.env"
apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq "$@"; }
# Kafka runs on 17 or 21; Debian 12 has only 17, Debian 13 only 21.
java -version >/dev/null 2>&1 || apt_get install -y openjdk-21-jre-headless || apt_get install -y openjdk-17-jre-headless
id -u "$BROKER_USER" >/dev/null 2>&1 || useradd --system --home-dir "$state" --no-create-home --shell /usr/sbin/nologin "$BROKER_USER"
mkdir -p "$state/data"
chmod 0755 "$state"
bash "$etc/fetch-jars.sh" "$etc/jars.lock" "$MAVEN_REPOSITORY" "$libs"
[ -s "$state/scram-password" ] || (umask 077 && openssl rand -hex 24 >"$state/scram-password")
bash "$etc/prepare-broker.sh"
if [ ! -f "$state/data/meta.properties" ]; then
  cluster=$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid | tail -n 1)
  # Its output lists the stored SCRAM keys: not for the console.
  java -cp "$libs/*" "$KAFKA_LOGGING" kafka.tools.StorageTool format -t "$cluster" -c "$etc/server.properties" \
    --add-scram "$SCRAM_MECHANISM=[name=$SCRAM_USER,password=$(cat "$state/scram-password")]" >/dev/null
fi
chown -R "$BROKER_USER:$BROKER_USER" "$state/data"
systemctl daemon-reload
systemctl enable --now kafka-kit.service
for _ in $(seq 1 120); do
  if timeout 1 bash -c "</dev/tcp/127.0.0.1/$SASL_PORT" 2>/dev/null; then
    cat "$state/settings.txt"
    exit 0
  fi
  sleep 1
done
echo "kafka-kit: the broker did not open port $SASL_PORT within 2 minutes: journalctl -u kafka-kit shows why" >&2
exit 1
