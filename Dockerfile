# syntax=docker/dockerfile:1
# Gonnect container image: a static-enough gonnect binary on distroless, non-root.
#
#   docker build -t ghcr.io/gonnect/gonnect:0.1.0 .
#   docker push ghcr.io/gonnect/gonnect:0.1.0
#
# godror (Oracle) needs cgo and loads the Oracle client at run time; this image has no
# Oracle client, so the Oracle connector fails at start here: use Dockerfile.oracle.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/root/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/gonnect ./cmd/gonnect
# The config and connectors directories the chart mounts into, owned by the runtime user.
RUN mkdir -p /out/etc/gonnect/connectors

# base-debian12 (not static): godror links against glibc and libdl.
FROM gcr.io/distroless/base-debian12:nonroot AS runtime
COPY --from=build /out/gonnect /usr/local/bin/gonnect
COPY --from=build --chown=65532:65532 /out/etc/gonnect /etc/gonnect
USER 65532:65532
WORKDIR /tmp
EXPOSE 8083
ENTRYPOINT ["/usr/local/bin/gonnect", "distributed", "/etc/gonnect/worker.properties"]
