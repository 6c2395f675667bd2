#!/bin/bash
# What the kit's .env needs for this broker, between markers `npm run cloud:env` finds in a
# pasted console output.
# usage: print-settings.sh BROKERS MECHANISM USER PASSWORD CA_PEM
set -euo pipefail
echo '----- BEGIN KAFKA KIT SETTINGS -----'
echo "KAFKA_BROKERS=$1"
echo 'KAFKA_SSL=true'
echo "KAFKA_SASL_MECHANISM=${2,,}"
echo "KAFKA_SASL_USERNAME=$3"
echo "KAFKA_SASL_PASSWORD=$4"
cat "$5"
echo '----- END KAFKA KIT SETTINGS -----'
