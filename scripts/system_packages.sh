#!/usr/bin/env bash
# Installs the Debian packages the project needs when their commands are missing.
# Usage: scripts/system_packages.sh [--optional] command:package ...
# --optional: when they cannot be installed (no root, no apt, offline), print one note and succeed.
set -u
optional=0
if [ "${1:-}" = "--optional" ]; then optional=1; shift; fi
missing=()
for pair in "$@"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "==> Installing system packages: ${missing[*]}"
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else sudo="none"; fi
if [ "$sudo" != "none" ] && command -v apt-get >/dev/null 2>&1; then
  if $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
     || { $sudo apt-get update -qq >/dev/null 2>&1 && \
          $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    exit 0
  fi
fi
message="could not install ${missing[*]}: run 'apt-get install ${missing[*]}' as root"
if [ $optional = 1 ]; then echo "note: $message (voice stays off; text works)." >&2; exit 0; fi
echo "error: $message" >&2
exit 1
