# Sourced by the scripts: puts the project's npm tools (wasm-opt) on PATH ahead of any system copy.
# Debian's own wasm-opt (binaryen 108) breaks hydration; never let it be found first.
PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PATH
# Schemathesis (the API fuzzer, from PyPI) lives in a virtualenv outside the clone, reused by later
# runs; scripts/setup creates it when missing.
SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/tienda/schemathesis-$SCHEMATHESIS_VERSION"
export SCHEMATHESIS_VERSION SCHEMATHESIS_VENV
