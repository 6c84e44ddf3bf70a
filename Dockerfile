# qpc-server image. Build: docker build -t quicprochat/qpc-server . (docs/operations.md, "Docker").
# Stage 1 builds the native SQLCipher module (better-sqlite3-multiple-ciphers) on Debian bookworm with
# its compilers; stage 2 is the slim bookworm runtime (same glibc) with no compiler, run as user qpc.
ARG NODE_VERSION=20.19

FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /opt/quicprochat
# python3, make and g++ come with the full bookworm image; node-gyp finds Node's headers in the image.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
    && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    QPC_DATA_DIR=/var/lib/qpc-server \
    QPC_LISTEN=0.0.0.0:7443 \
    QPC_ADMIN_LISTEN=0.0.0.0:9464
RUN groupadd --system qpc \
    && useradd --system --gid qpc --home-dir /var/lib/qpc-server --shell /usr/sbin/nologin qpc \
    && mkdir -p /var/lib/qpc-server \
    && chown qpc:qpc /var/lib/qpc-server \
    && chmod 0700 /var/lib/qpc-server
WORKDIR /opt/quicprochat
COPY --from=build /opt/quicprochat/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
USER qpc
# QUIC runs over UDP; the admin port (metrics, health) stays unpublished unless you map it yourself.
EXPOSE 7443/udp
EXPOSE 9464/tcp
VOLUME ["/var/lib/qpc-server"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/qpc-server.js"]
