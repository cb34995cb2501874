#!/usr/bin/env bash
# Installs the Debian packages the project needs when their commands are missing.
# Usage: scripts/system_packages.sh [--optional] command:package ...
# A "command" starting with / is a file the package installs (e.g. a font): it is tested with [ -e ].
# --optional: when they cannot be installed (no root, no apt, offline), print one note and succeed;
# --optional="what happens without them" says so in the note (the default is about voice).
set -u
optional=0
without="voice stays off; text works"
case "${1:-}" in
  --optional) optional=1; shift ;;
  --optional=*) optional=1; without="${1#--optional=}"; shift ;;
esac
missing=()
for pair in "$@"; do
  need="${pair%%:*}"
  if [ "${need#/}" != "$need" ]; then [ -e "$need" ]; else command -v "$need" >/dev/null 2>&1; fi \
    || missing+=("${pair#*:}")
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
if [ $optional = 1 ]; then echo "note: $message ($without)." >&2; exit 0; fi
echo "error: $message" >&2
exit 1
