#!/usr/bin/env bash
# Builds Moor's container image without a container engine (docs/adr/0031): a root filesystem
# assembled from Debian packages (`apt-get download` + `dpkg-deb -x`), the pinned Node binary of
# the `node` npm package, the npm production dependencies, the sources and the built dashboard, and
# the pinned kustomize and helm (tools/build.sh), packed as layers onto an empty base with crane
# and pushed to REF. The Dockerfile builds the same layout with an engine.
#
#   bash scripts/image.sh [--insecure] [--rootfs DIR] REF
#
#   --insecure    push over plain HTTP (a registry on loopback)
#   --rootfs DIR  keep the assembled root filesystem in DIR (must not exist)
#   MOOR_IMAGE_PARTS  the layers to build, default "debian node tools deps app" (tests build fewer)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
usage() { echo "usage: bash scripts/image.sh [--insecure] [--rootfs DIR] REF" >&2; exit 2; }

insecure=()
keep_rootfs=
ref=
while [ $# -gt 0 ]; do
  case "$1" in
    --insecure) insecure=(--insecure); shift ;;
    --rootfs) [ $# -ge 2 ] || usage; keep_rootfs=$2; shift 2 ;;
    -*) usage ;;
    *) [ -z "$ref" ] || usage; ref=$1; shift ;;
  esac
done
[ -n "$ref" ] || usage
# A reference is a registry host, a path and a tag or digest: nothing a shell would read otherwise.
[[ "$ref" =~ ^[A-Za-z0-9._:/@-]+$ ]] || { echo "image.sh: $ref: not an image reference" >&2; exit 2; }
if [ -n "$keep_rootfs" ] && [ -e "$keep_rootfs" ]; then
  echo "image.sh: --rootfs $keep_rootfs: already exists" >&2; exit 2
fi
parts=" ${MOOR_IMAGE_PARTS:-debian node tools deps app} "
for part in $parts; do
  case "$part" in debian|node|tools|deps|app) ;; *) echo "image.sh: unknown part $part" >&2; exit 2 ;; esac
done
has() { [[ "$parts" == *" $1 "* ]]; }

# The user, paths and environment the exported Deployment (src/cli/install-manifests.ts) expects.
UID_GID=65532
APP=/app
ENTRYPOINT="/usr/local/bin/node,--max-semi-space-size=2,$APP/src/cli/main.ts"
ENVS=(--env PATH=/usr/local/bin:/usr/bin:/bin --env HOME=/tmp --env NODE_ENV=production
  --env MOOR_COMPILE_CACHE=/tmp/moor-node-compile-cache)

# Debian packages: git (with its HTTP and SSH transports), openssh-client, CA certificates, and the
# C++ runtime Node links against. Their dependencies are resolved by apt; what only a package's
# maintainer scripts or git's Perl commands use is left out.
DEBIAN_ROOTS=(git openssh-client ca-certificates libstdc++6)
DEBIAN_EXCLUDE='^(adduser|cdebconf|debconf|dpkg|install-info|libdebian-installer4|libnewt0\.52|libslang2|libtextwrap1|passwd|libpam.*|libsemanage.*|libaudit.*|perl|perl-base|perl-modules-.*|libperl.*|liberror-perl|git-man|libgdbm.*|libdb5\.3|readline-common|libreadline8|tar|openssl)$'

crane=$root/.cache/bin/crane
[ -x "$crane" ] || crane=$(bash "$root/tools/build.sh" | tail -n 1)/crane
node_bin=$(readlink -f "$root/node_modules/.bin/node")
[ -x "$node_bin" ] || { echo "image.sh: run 'bash scripts/setup.sh' first (no pinned node)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/moor-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
log() { echo "image.sh: $* ($(( $(date +%s) - start ))s)" >&2; }

# One layer per part, each its own tree; `tar` with fixed owners and times, in name order.
pack() {
  local dir=$1 out=$2
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir" -cf "$out" .
}

layers=()
if has debian; then
  mkdir -p "$work/debian" "$work/debs"
  mapfile -t pkgs < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances "${DEBIAN_ROOTS[@]}" |
    grep -E '^[a-z0-9]' | sort -u | grep -Ev "$DEBIAN_EXCLUDE")
  debs_cache=${XDG_CACHE_HOME:-$HOME/.cache}/moor/image-debs
  mkdir -p "$debs_cache"
  (cd "$debs_cache" && apt-get download -qq "${pkgs[@]}" >/dev/null)
  for pkg in "${pkgs[@]}"; do
    version=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}' | sed 's/:/%3a/')
    deb=$(ls "$debs_cache/${pkg}_${version}_"*.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || { echo "image.sh: $pkg $version was not downloaded" >&2; exit 1; }
    dpkg-deb -x "$deb" "$work/debian"
  done
  # update-ca-certificates (a maintainer script) would write this bundle; so does this.
  mkdir -p "$work/debian/etc/ssl/certs"
  find "$work/debian/usr/share/ca-certificates" -name '*.crt' | sort | xargs cat \
    > "$work/debian/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$work/debian/usr/share/doc" "$work/debian/usr/share/man" "$work/debian/usr/share/locale"
  pack "$work/debian" "$work/debian.tar"
  layers+=(debian.tar)
  log "debian layer: ${#pkgs[@]} packages"
fi

# The base every image has: the non-root user, /tmp and /data (emptyDirs in the Deployment).
mkdir -p "$work/base/etc" "$work/base/tmp" "$work/base/data" "$work/base$APP"
echo "root:x:0:0:root:/root:/sbin/nologin
nonroot:x:$UID_GID:$UID_GID:nonroot:/tmp:/sbin/nologin" > "$work/base/etc/passwd"
echo "root:x:0:
nonroot:x:$UID_GID:" > "$work/base/etc/group"
chmod 1777 "$work/base/tmp"
tar --sort=name --mtime=@0 --numeric-owner -C "$work/base" -cf "$work/base.tar" \
  --owner=0 --group=0 ./etc ./tmp ./app
tar --mtime=@0 --numeric-owner -C "$work/base" -rf "$work/base.tar" \
  --owner=$UID_GID --group=$UID_GID ./data
layers+=(base.tar)

if has node; then
  mkdir -p "$work/node/usr/local/bin"
  cp "$node_bin" "$work/node/usr/local/bin/node"
  pack "$work/node" "$work/node.tar"
  layers+=(node.tar)
  log "node layer: $("$node_bin" --version)"
fi

if has tools; then
  tools_bin=$(bash "$root/tools/build.sh" | tail -n 1)
  mkdir -p "$work/tools$APP/.cache/bin"
  for tool in kustomize helm; do cp "$tools_bin/$tool" "$work/tools$APP/.cache/bin/$tool"; done
  pack "$work/tools" "$work/tools.tar"
  layers+=(tools.tar)
  log "tools layer: kustomize, helm"
fi

if has deps; then
  mkdir -p "$work/deps$APP"
  cp "$root/package.json" "$root/package-lock.json" "$work/deps$APP/"
  (cd "$work/deps$APP" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  rm -f "$work/deps$APP/package.json" "$work/deps$APP/package-lock.json"
  pack "$work/deps" "$work/deps.tar"
  layers+=(deps.tar)
  log "deps layer: npm production dependencies"
fi

if has app; then
  [ -f "$root/ui/dist/index.html" ] || { echo "image.sh: ui/dist is not built (scripts/setup.sh)" >&2; exit 2; }
  mkdir -p "$work/app$APP/ui"
  cp -r "$root/src" "$root/bin" "$root/package.json" "$work/app$APP/"
  cp -r "$root/ui/dist" "$work/app$APP/ui/dist"
  find "$work/app$APP/src" -name '*.test.ts' -delete
  find "$work/app$APP/src" -type d -name testdata -prune -exec rm -rf {} +
  pack "$work/app" "$work/app.tar"
  layers+=(app.tar)
  log "app layer: sources and dashboard"
fi

if [ -n "$keep_rootfs" ]; then
  mkdir -p "$keep_rootfs"
  for layer in "${layers[@]}"; do tar -C "$keep_rootfs" -xf "$work/$layer"; done
fi

export HOME=$work
# crane pushes each layer; the last step sets what the runtime reads from the config.
append=()
for layer in "${layers[@]}"; do append+=(-f "$work/$layer"); done
"$crane" append "${insecure[@]}" --oci-empty-base "${append[@]}" -t "$ref" >/dev/null
"$crane" mutate "${insecure[@]}" "$ref" -t "$ref" --set-platform linux/amd64 \
  --user "$UID_GID:$UID_GID" --entrypoint "$ENTRYPOINT" --workdir "$APP" "${ENVS[@]}" \
  --label "org.opencontainers.image.title=moor" \
  --label "org.opencontainers.image.version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$root/package.json")" >/dev/null
log "pushed $ref (${#layers[@]} layers)"
"$crane" digest "${insecure[@]}" "$ref"
