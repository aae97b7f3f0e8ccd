# Parley web app (Next.js production server). ENGINE_URL points at the engine API.
# Build from the repository root: docker build -f docker/web.Dockerfile .
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN npm ci --no-audit --no-fund
RUN npx nx run-many -t build --projects=@parley/web --output-style=static
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 ENGINE_URL=http://engine-api:3001
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs ./libs
COPY --from=build /app/apps/web ./apps/web
USER node
WORKDIR /app/apps/web
EXPOSE 3000
CMD ["sh", "-c", "exec node /app/node_modules/next/dist/bin/next start --hostname 0.0.0.0 --port ${PORT}"]
