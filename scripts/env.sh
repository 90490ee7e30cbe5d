# Sourced by the scripts: puts the project's npm tools (wasm-opt) on PATH ahead of any system copy.
# Debian's own wasm-opt (binaryen 108) breaks hydration; never let it be found first.
PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PATH
