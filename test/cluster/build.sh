#!/usr/bin/env bash
# Builds the local control plane's binaries (etcd, kube-apiserver, kube-controller-manager,
# kubectl, fakelet) from this Go module and caches them outside the work tree, keyed by a hash
# of go.mod, go.sum and the module's own sources. Prints the cache directory as its last line.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache_root=${MOOR_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/moor/cluster-bin}
key=$(cd "$here" && cat build.sh go.mod go.sum $(find cmd -name '*.go' | sort) | sha256sum | cut -c1-16)
out="$cache_root/$key"
bins=(etcd kube-apiserver kube-controller-manager kubectl fakelet)

complete=1
for b in "${bins[@]}"; do [ -x "$out/$b" ] || complete=0; done
if [ "$complete" = 1 ]; then
  echo "$out"
  exit 0
fi

command -v go >/dev/null || { echo "build.sh: go is not installed (need Go >= 1.26)" >&2; exit 2; }
mkdir -p "$out.tmp"
start=$(date +%s)
cd "$here"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
# The version the binaries report (kubectl version, /version), taken from go.mod.
k8s=$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' go.mod)
minor=$(echo "$k8s" | cut -d. -f2)
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
flags=(-trimpath -ldflags "$ldflags")
echo "build.sh: building ${bins[*]} into $out (the first build takes many minutes)" >&2
go build "${flags[@]}" -o "$out.tmp/etcd" ./cmd/etcd
go build "${flags[@]}" -o "$out.tmp/fakelet" ./cmd/fakelet
go build "${flags[@]}" -o "$out.tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build "${flags[@]}" -o "$out.tmp/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager
go build "${flags[@]}" -o "$out.tmp/kubectl" k8s.io/kubernetes/cmd/kubectl
rm -rf "$out"
mv "$out.tmp" "$out"
echo "build.sh: built in $(( $(date +%s) - start ))s" >&2
du -sh "$out"/* >&2
echo "$out"
