#!/usr/bin/env bash
# Installs what `make test` needs when it is missing. Idempotent; quiet when all is there.
set -euo pipefail
need_apt=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need_apt+=(mariadb-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test-deps: installing ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "test-deps: missing ${need_apt[*]} and not root; the MariaDB tests will fail" >&2
  fi
fi
for s in scripts/test-deps.d/*.sh; do
  [ -e "$s" ] && bash "$s"
done
exit 0
