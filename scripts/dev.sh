#!/usr/bin/env bash
# One entry point for set-up, build, run and test on Debian 12.
#   scripts/dev.sh run    install what is missing, build, serve the sample archive
#   scripts/dev.sh test   install what is missing, build with warnings as errors,
#                         run every test (also under ASan+UBSan) and the linters
#   scripts/dev.sh deps | build | lint
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the build and the tests need (tests run the real promtool
# and Prometheus server, and Tesseract on images that python3-pil draws with
# CJK fonts).
PACKAGES=(
  g++ cmake ninja-build pkg-config clang clang-format clang-tidy libclang-rt-14-dev
  prometheus-cpp-dev libcivetweb-dev zlib1g-dev libcurl4-openssl-dev
  libcpp-httplib-dev libssl-dev libbrotli-dev nlohmann-json3-dev libgtest-dev libgmock-dev
  libbenchmark-dev libre2-dev libyaml-cpp-dev libgumbo-dev libpoppler-cpp-dev
  libcli11-dev libcrypt-dev libopencc-dev libxxhash-dev poppler-data prometheus curl python3 openssl
  libtesseract-dev libleptonica-dev tesseract-ocr-chi-sim tesseract-ocr-eng
  python3-pil fonts-noto-cjk fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-uming
  chromium
)

jobs=$(nproc 2>/dev/null || echo 2)

deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  local sudo=""
  if [[ $(id -u) != 0 ]]; then sudo=sudo; fi
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

build() {  # build PRESET
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j "$jobs"
}

lint() {
  scripts/check_layers.sh
  local files
  mapfile -t files < <(git ls-files '*.cc' '*.h' 2>/dev/null ||
                       find parsers exporter tests fuzz bench -name '*.cc' -o -name '*.h')
  echo "clang-format: ${#files[@]} files"
  clang-format --dry-run --Werror "${files[@]}"
  echo "clang-tidy: parsers and exporter"
  mapfile -t files < <(printf '%s\n' "${files[@]}" | grep -E '^(parsers|exporter)/.*\.cc$')
  local tidy=(clang-tidy -p build/dev --quiet --extra-arg=-Wno-unknown-warning-option)
  printf '%s\n' "${files[@]}" | xargs -P "$jobs" -n 4 "${tidy[@]}" 2>/dev/null
}

run_tests() {  # run_tests PRESET
  ctest --preset "$1" -j "$jobs"
}

case "${1:-}" in
  deps) deps ;;
  build) deps; build dev ;;
  lint) deps; build dev; lint ;;
  run)
    deps
    build release
    shift
    exec build/release/exporter/cncert_exporter serve "$@"
    ;;
  test)
    deps
    build dev
    run_tests dev
    lint
    # The optimised build of `run` (the README's first command): -O3 finds
    # warnings that the dev build does not.
    build release
    build asan-ubsan
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      run_tests asan-ubsan
    echo "all tests passed"
    ;;
  *)
    sed -n '2,7p' "$0"
    exit 2
    ;;
esac
