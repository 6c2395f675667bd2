#!/bin/sh
# The dev container's onCreateCommand, and the site workflow's first step: the npm packages,
# then the README's Debian packages (Java 17, MariaDB, python3-venv), installed as root by the
# kit's own install code (infra/devcontainer.ts system).
set -eu
cd "$(dirname "$0")/.."
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}
npm run setup --silent
npm run build --silent
# No init runs in a container: apt would start the system's MariaDB on 3306 itself, the port
# the kit's own server takes. Debian's policy-rc.d convention tells it not to.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
  as_root chmod 755 /usr/sbin/policy-rc.d
fi
as_root env "PATH=$PATH" node_modules/.bin/tsx infra/devcontainer.ts system
