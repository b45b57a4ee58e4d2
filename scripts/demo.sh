#!/usr/bin/env bash
# The demo from a fresh clone: set up, then run Moor against a local control plane.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
exec npm run -s demo -- "$@"
