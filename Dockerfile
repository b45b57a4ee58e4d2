# Moor's container image, for a machine with a container engine: `docker build -t moor .`
# scripts/image.sh builds the same layout without one (docs/adr/0031): the same user, entrypoint,
# working directory and environment, which test/cli/oci-image.test.ts checks against each other
# and against the Deployment `moor install --export` prints.

# kustomize and helm, the programs the render step runs, at the versions tools/go.mod pins.
FROM golang:1.26-bookworm AS tools
WORKDIR /src/tools
COPY tools/go.mod tools/go.sum ./
ENV CGO_ENABLED=0 GOFLAGS=-mod=readonly
RUN go build -trimpath -ldflags "-s -w" -o /out/kustomize sigs.k8s.io/kustomize/kustomize/v5 \
 && go build -trimpath -ldflags "-s -w" -o /out/helm helm.sh/helm/v3/cmd/helm

# The npm production dependencies (the base image brings Node itself: no install scripts).
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

# The dashboard, built into ui/dist.
FROM node:24-bookworm-slim AS ui
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY ui ./ui
COPY src ./src
RUN npx vite build --config ui/vite.config.ts

FROM node:24-bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd -g 65532 nonroot \
 && useradd -u 65532 -g 65532 -d /tmp -s /sbin/nologin nonroot \
 && mkdir -p /data && chown 65532:65532 /data
WORKDIR /app
COPY --from=tools /out/ /app/.cache/bin/
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY --from=ui /src/ui/dist ./ui/dist
# Everything the operator writes goes to /tmp and /data, emptyDirs in the Deployment: the root
# filesystem can stay read-only.
ENV PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp NODE_ENV=production MOOR_COMPILE_CACHE=/tmp/moor-node-compile-cache
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/node", "--max-semi-space-size=2", "/app/src/cli/main.ts"]
