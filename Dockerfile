# syntax=docker/dockerfile:1
# The gateway image: the bundled gateway (and function controller) on distroless Node.
# The bundle is plain JavaScript, so it is built once on the build machine's own platform and
# copied into every target platform's runtime image; only the runtime stage is per-architecture.

ARG NODE_MAJOR=24

FROM --platform=$BUILDPLATFORM node:${NODE_MAJOR}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY build/ build/
COPY constructs/ constructs/
COPY gateway/ gateway/
COPY ui/ ui/
RUN npm run build:gateway

# No shell, no package manager, no npm: node and the bundle only.
FROM gcr.io/distroless/nodejs${NODE_MAJOR}-debian12:nonroot AS runtime
WORKDIR /app
# Owned by root and not writable by the process user: the code cannot be changed at run time,
# and nothing needs to be written, so the root filesystem can be mounted read-only.
COPY --from=build --chown=0:0 /src/dist/gateway/ /app/
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    GATEWAY_BACKEND=kubernetes
# Numeric, so the kubelet can verify `runAsNonRoot`; 65532 is distroless's "nonroot".
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/nodejs/bin/node"]
# The controller runs from the same image with the argument /app/controller.mjs.
CMD ["/app/gateway.mjs"]
