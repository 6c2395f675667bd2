#!/bin/bash
# The broker's jars from a Maven repository into DIR, each checked against its SHA-256 in
# LIST ("<sha256> <group:artifact:version[:classifier]>" lines, the kit's lock); a jar already
# there and intact is kept, and a mismatch installs nothing.
# usage: fetch-jars.sh LIST REPOSITORY DIR
set -euo pipefail
list=$1 repository=$2 dir=$3
mkdir -p "$dir"
while read -r sha id; do
  IFS=: read -r group artifact version classifier <<<"$id"
  file=$artifact-$version${classifier:+-$classifier}.jar
  if echo "$sha  $dir/$file" | sha256sum --check --status 2>/dev/null; then continue; fi
  curl -fsSL --retry 3 -o "$dir/$file.part" "$repository/${group//.//}/$artifact/$version/$file"
  if ! echo "$sha  $dir/$file.part" | sha256sum --check --status; then
    rm -f "$dir"/*.part
    echo "fetch-jars: $id from $repository does not match its SHA-256 in the kit's lock (a proxy or mirror changed it?): nothing was installed" >&2
    exit 1
  fi
done <"$list"
for part in "$dir"/*.part; do [ -e "$part" ] && mv "$part" "${part%.part}"; done
exit 0
