#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 needs < 3.11): PATH, pyenv, then uv.
set -euo pipefail
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }
for candidate in python3.10 python3 python; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if ok "$path"; then echo "$path"; exit 0; fi
done
for path in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10; do
  if [ -x "$path" ] && ok "$path"; then echo "$path"; exit 0; fi
done
if command -v uv >/dev/null 2>&1; then
  path=$(uv python find 3.10 2>/dev/null) && ok "$path" && { echo "$path"; exit 0; }
fi
echo "error: Python 3.10 not found (install it with pyenv, your package manager, or 'uv python install 3.10')" >&2
exit 1
