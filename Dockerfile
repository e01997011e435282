# vigil serve in a container: a static binary (pure Go, no cgo) on Alpine,
# run as an unprivileged user, with a health check on GET /healthz.
#
#   docker build -t vigil .
#   docker run -p 8080:8080 -e VIGIL_API_KEY=choose-a-key \
#     -v "$PWD/vigil.yaml:/etc/vigil/vigil.yaml:ro" -v vigil-data:/var/lib/vigil vigil
#
# The configuration must listen on all interfaces inside the container
# (server.listen: 0.0.0.0:8080); the health check calls 127.0.0.1:8080.
# State (sqlite://./vigil.db) is kept in /var/lib/vigil, a volume.

FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/vigil ./cmd/vigil

FROM alpine:3.22
RUN apk add --no-cache ca-certificates tzdata \
 && adduser -D -H -u 10001 -s /sbin/nologin vigil \
 && mkdir -p /var/lib/vigil /etc/vigil \
 && chown vigil:vigil /var/lib/vigil
COPY --from=build /out/vigil /usr/local/bin/vigil
USER 10001:10001
WORKDIR /var/lib/vigil
VOLUME /var/lib/vigil
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["vigil"]
CMD ["serve", "--config", "/etc/vigil/vigil.yaml"]
