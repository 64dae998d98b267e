#!/usr/bin/env bash
# Installs the Debian 12 packages Confman builds with, if any are missing.
# Safe to run repeatedly: it does nothing when everything is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev liblmdb-dev
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  libtoml11-dev libcli11-dev
  # The libFuzzer targets (fuzz/, built in build-fuzz/): clang, and
  # compiler-rt, which holds libFuzzer and the sanitizer runtimes of clang 14
  # (only a Recommends of clang's packages, so not installed with it here).
  clang libclang-rt-14-dev
  # The visualizer's browser test (tests/visualizer): headless Chromium, and
  # a font for its screenshots (a Recommends, which is not installed here).
  chromium fonts-liberation
  # The README's examples against a real server.
  curl
  # Distributed sweeps: the Slurm array job (tools/slurm/) and its CI test
  # (tests/slurm/), which starts a one-node Slurm of its own.
  slurm-wlm munge
  # The Kubernetes manifest's syntax check (tests/k8s_manifest_test.cpp).
  libyaml-cpp-dev
  # confman-nemesis (tools/nemesis/): network namespaces, veth and routes;
  # libfaketime for its clock faults.
  iproute2 libfaketime
  # API key hashes (adapters/openssl_digest.cpp), and later TLS.
  libssl-dev
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
