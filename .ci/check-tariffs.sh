#!/usr/bin/env bash
# CI: every shipped tariff and catalog must load with no error and no warning.
# Usage: .ci/check-tariffs.sh [path/to/yibao]   (default: $YIBAO, else build/default/yibao)
set -euo pipefail
cd "$(dirname "$0")/.."
yibao="${1:-${YIBAO:-build/default/yibao}}"
shopt -s globstar nullglob
files=(tariffs/**/*.toml tariffs/catalog/*.csv)
if [ ${#files[@]} -eq 0 ]; then
  echo "check-tariffs: no tariff found under tariffs/" >&2
  exit 66
fi
exec "$yibao" check --werror "${files[@]}"
