#!/usr/bin/env bash
# Builds the pinned programs Moor runs (kustomize, helm) and the ones its tests use (sops, age,
# age-keygen, crane) from this Go module and
# caches them outside the work tree, keyed by a hash of go.mod, go.sum and this script. Each
# tool is a `tool` line in go.mod and a row below. Prints the cache directory as its last line.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache_root=${MOOR_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/moor/tools-bin}
key=$(cd "$here" && cat build.sh go.mod go.sum | sha256sum | cut -c1-16)
out="$cache_root/$key"

# name, Go package (its version comes from go.mod).
tools=(
  "kustomize sigs.k8s.io/kustomize/kustomize/v5"
  "helm helm.sh/helm/v3/cmd/helm"
  "sops github.com/getsops/sops/v3/cmd/sops"
  "age filippo.io/age/cmd/age"
  "age-keygen filippo.io/age/cmd/age-keygen"
  "crane github.com/google/go-containerregistry/cmd/crane"
)

complete=1
for row in "${tools[@]}"; do [ -x "$out/${row%% *}" ] || complete=0; done
if [ "$complete" = 1 ]; then
  echo "$out"
  exit 0
fi

command -v go >/dev/null || { echo "tools/build.sh: go is not installed (need Go >= 1.26)" >&2; exit 2; }
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
start=$(date +%s)
cd "$here"
export CGO_ENABLED=0 GOFLAGS=-mod=readonly
for row in "${tools[@]}"; do
  name=${row%% *}
  pkg=${row#* }
  echo "tools/build.sh: building $name ($pkg)" >&2
  go build -trimpath -ldflags "-s -w" -o "$out.tmp/$name" "$pkg"
done
rm -rf "$out"
mv "$out.tmp" "$out"
echo "tools/build.sh: built in $(( $(date +%s) - start ))s" >&2
du -sh "$out"/* >&2
echo "$out"
