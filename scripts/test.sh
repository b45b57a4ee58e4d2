#!/usr/bin/env bash
# The whole test suite from a fresh clone: set up, type-check, lint, then every test against a
# local control plane and real Git servers. The last line reads `N passed, N failed, N skipped`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
npm run -s typecheck
npm run -s lint
npm run -s format:check
exec npm test -s -- "$@"
