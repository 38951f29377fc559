#!/usr/bin/env bash
# Installs signllm into ./.venv without pulling CUDA wheels.
#   ./install.sh          everything needed to run signllm
#   ./install.sh --dev    plus the test tools
# PyTorch: a torch already in .venv is kept (GPU users: `python3 -m venv .venv &&
# .venv/bin/pip install torch` with the build you want, then run this script).
# Otherwise TORCH_SPEC (default torch==2.13.0) is installed; on a machine whose pip cannot
# find a CPU build for that spec, set PIP_EXTRA_INDEX_URL to PyTorch's CPU wheel index.
set -euo pipefail
cd "$(dirname "$0")"
extras=all
[ "${1:-}" = "--dev" ] && extras=dev

[ -x .venv/bin/python ] || python3 -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
if ! python -c "import torch" 2>/dev/null; then
  echo "installing ${TORCH_SPEC:-torch==2.13.0} (CPU build where available)..."
  python -m pip install --quiet "${TORCH_SPEC:-torch==2.13.0}"
fi
echo "installing signllm[$extras]..."
python -m pip install --quiet -e ".[$extras]"
if [ "$extras" = dev ] && [ ! -d node_modules/@grpc/grpc-js ] && command -v npm >/dev/null; then
  npm install --silent --no-audit --no-fund >/dev/null 2>&1 || echo "npm install failed: Node client tests will be skipped"
fi
# espeak-ng (GPL-3.0-or-later; run as a separate program, never linked) gives the face channel
# its mouthing. Installed only as root with apt; anything else just prints how: without it words
# are reported "no mouthing" one by one and everything else works.
if ! command -v espeak-ng >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing espeak-ng (mouthing)..."
    { apt-get install -y --no-install-recommends espeak-ng >/dev/null 2>&1 \
      || { apt-get update >/dev/null 2>&1 \
           && apt-get install -y --no-install-recommends espeak-ng >/dev/null 2>&1; }; } \
      || echo "espeak-ng could not be installed: signs will not be mouthed"
  else
    echo "espeak-ng not found: signs will not be mouthed (install it: sudo apt-get install espeak-ng, brew install espeak-ng)"
  fi
fi
echo "signllm installed in ${VIRTUAL_ENV}"
