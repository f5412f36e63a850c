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
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json codegen.yml ./
COPY scripts/build.mjs ./scripts/
COPY schema ./schema
COPY src ./src
# codegen, tsc, and the files read at run time (simulator assets) into dist/.
RUN npm run build

# 2. Production dependencies only (no install scripts: nothing at run time needs one).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. Runtime.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=4001
WORKDIR /app
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
