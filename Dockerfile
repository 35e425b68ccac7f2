# syntax=docker/dockerfile:1
# Build stage: installs every dependency, compiles TypeScript and the browser
# assets into build/.
FROM node:24-bookworm-slim AS build
WORKDIR /src
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node ace build

# Runtime stage: the compiled application with production dependencies only,
# run by the unprivileged `node` user. One image serves every process role:
#   web       node bin/server.js         (default command)
#   worker    node --max-semi-space-size=16 --heap-growing-percent=35 ace worker
#             (the flags bound the worker's memory, see docs/operations.md)
#   channels  node ace channels
#   migrate   node ace migration:run --force
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3333 \
    LOG_LEVEL=info \
    SESSION_DRIVER=cookie
WORKDIR /app
# The MariaDB client programs (mariadb-dump, mariadb) that `node ace backup`
# and `node ace restore` run for a MySQL or MariaDB database.
RUN apt-get update \
  && apt-get install -y --no-install-recommends mariadb-client \
  && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build ./
RUN npm ci --omit=dev --no-audit --no-fund \
  && npm cache clean --force \
  && mkdir -p /app/tmp \
  && chown -R node:node /app/tmp
USER node
EXPOSE 3333
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3333) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "bin/server.js"]
