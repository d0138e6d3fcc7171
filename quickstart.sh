#!/usr/bin/env bash
# ntsim quick start on Debian 12 (run as root): installs what is missing, builds, and then
#   ./quickstart.sh run    runs the shipped default job and prints where its results are
#   ./quickstart.sh test   runs the whole test suite, then again under AddressSanitizer and UBSan,
#                          the sweep tests under ThreadSanitizer, and each fuzzer for 30 s
#                          (tests/sanitizers/run; tests/fuzz/README.md)
set -euo pipefail
cd "$(dirname "$0")"

debian_packages=(
  build-essential cmake pkg-config
  libsundials-dev libsuitesparse-dev libboost-graph-dev libtbb-dev
  nlohmann-json3-dev catch2 libcli11-dev libfmt-dev libsbml5-dev
  libgraphviz-dev graphviz chromium fonts-dejavu-core
  libopenmpi-dev openmpi-bin clang-14 libclang-rt-14-dev
)

install_missing() {
  local missing=()
  for p in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node.js and npm install the report's pinned JavaScript at build time (npm ci). NodeSource's
  # nodejs bundles npm and conflicts with Debian's npm package, so only the missing commands count.
  if ! command -v node > /dev/null || ! command -v npm > /dev/null; then missing+=(nodejs npm); fi
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

build() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build build -j2
}

case "${1:-run}" in
  run)
    install_missing
    build
    mkdir -p results
    ./build/cli/ntsim sweep scenarios/regional_divergence.json -o results/regional_divergence --states
    ./build/cli/ntsim viz plot results/regional_divergence -o results/regional_divergence/plots > /dev/null
    ./build/cli/ntsim report results/regional_divergence -o results/regional_divergence/report.html
    ./build/cli/ntsim simulate models/examples/kholodenko2000_mapk.json --t-end 3h --points 1081 \
      -o results/kholodenko2000_mapk.csv
    echo "sweep results in $(pwd)/results/regional_divergence/ (figures in plots/)"
    echo "interactive report: $(pwd)/results/regional_divergence/report.html (open it in a browser; works offline)"
    echo "Kholodenko 2000 time course in $(pwd)/results/kholodenko2000_mapk.csv"
    ;;
  test)
    install_missing
    build
    ctest --test-dir build --output-on-failure -j2
    tests/sanitizers/run
    ;;
  *)
    echo "usage: $0 [run|test]" >&2
    exit 2
    ;;
esac
