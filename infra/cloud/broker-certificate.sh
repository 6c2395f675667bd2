#!/bin/bash
# The broker's TLS certificate for NAME (a DNS name, or an IPv4 address), signed by a CA of
# the broker's own: made in DIR on first use and kept, so clients keep trusting DIR/ca.pem
# when the certificate is made again for a new name. DIR/broker-keystore.pem is what Kafka
# reads (ssl.keystore.type=PEM): the unencrypted key, the certificate, the CA's.
# usage: broker-certificate.sh DIR NAME
set -euo pipefail
dir=$1 name=$2
umask 077
mkdir -p "$dir"
if [ ! -s "$dir/ca.key" ]; then
  openssl req -x509 -new -newkey rsa:3072 -nodes -sha256 -days 825 -subj "/CN=kafka-kit CA $(hostname)" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
fi
case $name in
  *[!0-9.]*) san=DNS:$name ;;
  *) san=IP:$name ;;
esac
openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=$name" -keyout "$dir/broker.key" -out "$dir/broker.csr" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$san" >"$dir/broker.ext"
openssl x509 -req -sha256 -days 397 -in "$dir/broker.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
  -extfile "$dir/broker.ext" -out "$dir/broker.pem" 2>/dev/null
cat "$dir/broker.key" "$dir/broker.pem" "$dir/ca.pem" >"$dir/broker-keystore.pem"
rm -f "$dir/broker.key" "$dir/broker.csr" "$dir/broker.ext"
chmod 0644 "$dir/ca.pem"
