# syntax=docker/dockerfile:1
# The subgraph as a container: Node 22 LTS, compiled JavaScript, production dependencies only,
# running as the image's unprivileged `node` user (uid 1000), with a health check on /healthz.
#   docker build -t cc-media-subgraph .
#   docker run --rm -p 4001:4001 --env-file cc.env --stop-timeout 35 cc-media-subgraph
# (--stop-timeout above SHUTDOWN_GRACE_SECONDS, default 25, so that running downloads can finish.)

ARG NODE_IMAGE=node:22-bookworm-slim

# 1. Compile: all dependencies, codegen, tsc.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Compiling needs no install script (better-sqlite3's native build happens in the deps stage).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json codegen.yml ./
COPY scripts/build.mjs ./scripts/
COPY schema ./schema
COPY src ./src
# codegen, tsc, and the files read at run time (simulator assets) into dist/.
RUN npm run build

# 2. Production dependencies only, without install scripts but one: better-sqlite3 (the embedded
#    database used when DATABASE_URL is unset) is a native module, compiled here for this Node.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && npm rebuild better-sqlite3 \
 && npm cache clean --force

# 3. Runtime.
FROM ${NODE_IMAGE} AS runtime
# MALLOC_TOP_PAD_: glibc keeps 32 MiB at the top of its heap instead of returning it after every
# garbage collection. Streaming frees and reallocates 64 KiB read buffers by the thousand; without
# the pad, the heap shrinks and regrows around each collection and the kernel zeroes the same pages
# again (about a third of the CPU per streamed GiB; README, "Benchmarks").
ENV NODE_ENV=production \
    PORT=4001 \
    DATA_DIR=/var/lib/cc-media \
    MALLOC_TOP_PAD_=33554432
WORKDIR /app
# The embedded database's directory (a volume; unused when DATABASE_URL points at PostgreSQL).
RUN mkdir -p /var/lib/cc-media && chown 1000:1000 /var/lib/cc-media
VOLUME /var/lib/cc-media
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The schema is read at start (dist/graphql → ../../schema).
COPY schema ./schema
COPY package.json ./
USER 1000:1000
EXPOSE 4001
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4001) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself (src/main.ts): drain, sign the agent out, exit 0.
CMD ["node", "dist/main.js"]
