// Package helm holds the tests of the Gonnect Helm chart (helm/gonnect): lint and
// render with a pinned helm, strict decoding of every rendered object, values that must
// be rejected, the container images' Dockerfiles, and a worker started from exactly
// what the chart renders. helm itself is built into bin/helm by
// scripts/test-deps.d/helm.sh (make test-deps).
package helm
