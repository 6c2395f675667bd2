#!/bin/bash
# Before each start of the broker (systemd ExecStartPre, as root): the VM's public name, and
# when it is new (first boot; a stopped and started EC2 instance gets another one) a
# certificate for it, server.properties advertising it, and the settings file. The CA and the
# SCRAM password stay: only KAFKA_BROKERS changes, printed again on the console.
set -euo pipefail
etc=${KIT_ETC:-/etc/kafka-kit} state=${KIT_STATE:-/var/lib/kafka-kit}
. "$etc/broker.env"

public_name() {
  if [ -n "${PUBLIC_NAME:-}" ]; then echo "$PUBLIC_NAME"; return; fi
  local token name
  # EC2 (IMDSv2): the public DNS name, else the public IPv4 address.
  if token=$(curl -fsS -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token 2>/dev/null); then
    for key in public-hostname public-ipv4; do
      name=$(curl -fsS -m 2 -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$key" 2>/dev/null) && [ -n "$name" ] && { echo "$name"; return; }
    done
  fi
  # Google Compute Engine: the external address (its VMs have no public DNS name).
  name=$(curl -fsS -m 2 -H 'Metadata-Flavor: Google' http://metadata.google.internal/computeMetadata/v1/instance/network-interfaces/0/access-configs/0/external-ip 2>/dev/null) && [ -n "$name" ] && { echo "$name"; return; }
  return 1
}

if ! name=$(public_name) || [[ ! $name =~ ^[A-Za-z0-9.-]+$ ]]; then
  echo "kafka-kit: no public DNS name or address for this VM in its metadata: set PUBLIC_NAME in $etc/broker.env, then: systemctl restart kafka-kit" >&2
  exit 1
fi
previous=$(cat "$state/public-name" 2>/dev/null || true)
[ "$name" = "$previous" ] && [ -s "$state/tls/broker-keystore.pem" ] && exit 0

bash "$etc/broker-certificate.sh" "$state/tls" "$name"
if [ -n "${BROKER_USER:-}" ]; then
  chgrp "$BROKER_USER" "$state/tls" "$state/tls/broker-keystore.pem"
  chmod 0750 "$state/tls" && chmod 0640 "$state/tls/broker-keystore.pem"
fi
sed "s/@PUBLIC_NAME@/$name/g" "$etc/server.properties.in" >"$etc/server.properties"
(umask 077 && bash "$etc/print-settings.sh" "$name:$SASL_PORT" "$SCRAM_MECHANISM" "$SCRAM_USER" "$(cat "$state/scram-password")" "$state/tls/ca.pem" >"$state/settings.txt")
# The login user (the first account, uid 1000: ubuntu, admin, debian...) reads them without sudo.
if login=$(getent passwd "${LOGIN_UID:-1000}"); then
  install -m 0600 -o "${login%%:*}" "$state/settings.txt" "$(echo "$login" | cut -d: -f6)/kafka-settings.txt"
fi
echo "$name" >"$state/public-name"
if [ -n "$previous" ]; then
  { echo "kafka-kit: the VM's public name changed from $previous: new settings"; cat "$state/settings.txt"; } >"${CONSOLE:-/dev/console}"
fi
