# Parley engine: one image for every role (ENGINE_ROLE=api | worker | all).
# Build from the repository root: docker build -f docker/engine.Dockerfile .
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY . .
RUN npm ci --no-audit --no-fund
RUN npx nx run-many -t build --projects=@parley/engine --output-style=static
# Keep only what the engine needs at run time.
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3001 ENGINE_ROLE=all
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs ./libs
COPY --from=build /app/apps/engine/package.json ./apps/engine/package.json
COPY --from=build /app/apps/engine/dist ./apps/engine/dist
USER node
EXPOSE 3001
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3001)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Migrations run at start (under an advisory lock, so api and worker may start together).
CMD ["node", "apps/engine/dist/main.js"]
