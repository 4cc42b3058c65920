#!/usr/bin/env bash
# Builds helm into bin/helm from the Go module proxy at a pinned version, unless it is
# already there. The helm chart tests (go test ./helm/...) run bin/helm and fail without it.
#
# `go install helm.sh/helm/v3/cmd/helm@vX` cannot be used: the proxy refuses the module's
# version list (403). A throwaway module under a temp dir keeps helm's large dependency
# graph out of Gonnect's go.mod.
set -euo pipefail
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
# The Kubernetes version helm assumes offline (helm's Makefile derives it from its
# k8s.io/client-go v0.37 dependency); without it helm would assume v1.20.
K8S_MAJOR=1 K8S_MINOR=37
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/bin/helm"
if [ -x "$out" ] && "$out" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION" &&
  "$out" template --help >/dev/null 2>&1 && [ -f "$out.k8s-$K8S_MAJOR.$K8S_MINOR" ]; then
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
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=$K8S_MAJOR -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$K8S_MINOR \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=$K8S_MAJOR -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$K8S_MINOR" \
  -o "$out.tmp" helm.sh/helm/v3/cmd/helm
mv "$out.tmp" "$out"
rm -f "$out".k8s-*
touch "$out.k8s-$K8S_MAJOR.$K8S_MINOR"
