#!/usr/bin/env bash
# Builds helm into bin/helm from the Go module proxy at a pinned version, unless it is
# already there. The helm chart tests (go test ./helm/...) run bin/helm and fail without it.
#
# `go install helm.sh/helm/v3/cmd/helm@vX` cannot be used: the proxy refuses the module's
# version list (403). A throwaway module under a temp dir keeps helm's large dependency
# graph out of Gonnect's go.mod.
set -euo pipefail
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/bin/helm"
if [ -x "$out" ] && "$out" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION"; then
  exit 0
fi
echo "test-deps: building helm $HELM_VERSION into bin/helm (about a minute)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
export GOFLAGS=-mod=mod
go mod init gonnect-helm-build >/dev/null 2>&1
go get "helm.sh/helm/v3@$HELM_VERSION" >/dev/null
mkdir -p "$root/bin"
go build -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
  -o "$out.tmp" helm.sh/helm/v3/cmd/helm
mv "$out.tmp" "$out"
