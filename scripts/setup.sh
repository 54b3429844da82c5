#!/usr/bin/env bash
# Installs what yibao needs from Debian 12 packages, if missing. Idempotent.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libboost-dev libfmt-dev libtomlplusplus-dev libsimdjson-dev libcli11-dev libtbb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # The Python package (python/, built when these are found) and its tests.
  pybind11-dev python3-dev python3-pandas python3-numpy python3-dask python3-distributed python3-pytest
)
# Callers may ask for more (CI adds clang for the fuzzing leg).
read -r -a extra <<< "${YIBAO_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
