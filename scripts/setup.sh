#!/usr/bin/env bash
# Sets up a fresh machine of the project's kind for Moor: Debian packages, npm packages (which
# bring Node 24), the pinned programs Moor runs and its tests use (kustomize, helm, sops, age,
# crane) and the local control plane's binaries (all built once, cached outside the tree).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# Debian packages: git (with http-backend), openssh (sshd and ssh for Git over SSH), openssl,
# time (GNU time: the CLI benchmark's CPU and memory figures), docker-registry (the container
# registry the image-automation and Helm OCI tests serve on loopback), apache2-utils (htpasswd
# for that registry's basic auth).
missing=()
command -v git >/dev/null || missing+=(git)
[ -x /usr/lib/git-core/git-http-backend ] || missing+=(git)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh >/dev/null || missing+=(openssh-client)
command -v ssh-keygen >/dev/null || missing+=(openssh-client)
command -v openssl >/dev/null || missing+=(openssl)
[ -x /usr/bin/time ] || missing+=(time)
[ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
command -v htpasswd >/dev/null || missing+=(apache2-utils)
# gnupg: gpg and gpgconf, which sign image-automation commits with an OpenPGP key.
command -v gpg >/dev/null || missing+=(gnupg)
command -v gpgconf >/dev/null || missing+=(gnupg)
# chromium: the dashboard's browser tests and benchmark (driven by playwright-core).
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v go >/dev/null || { echo "setup: Go >= 1.26 is required to build kustomize and the local control plane" >&2; exit 2; }

# npm packages; the pinned `node` package provides Node 24 for every npm script.
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The pinned programs (kustomize, helm; sops, age, crane for the tests), linked where the operator looks: .cache/bin/
tools_bin=$(bash tools/build.sh | tail -n 1)
mkdir -p .cache/bin
for tool in "$tools_bin"/*; do ln -sfn "$tool" ".cache/bin/$(basename "$tool")"; done

# The control plane's binaries (cold: many minutes; cached by a hash of go.sum afterwards).
bash test/cluster/build.sh >/dev/null

# The dashboard (ui/ → ui/dist, hashed file names), served by the operator under /ui/.
echo "setup: building the dashboard"
npx vite build --config ui/vite.config.ts

# The CLI's pre-built bundle (scripts/bundle.ts → .cache/bundle/), which bin/moor runs while no
# source is newer: the operator starts in a fraction of the time of the TypeScript modules.
echo "setup: building the CLI bundle"
node_modules/.bin/node scripts/bundle.ts
