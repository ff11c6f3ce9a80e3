# Image for the examples (examples/echo-server, examples/temp-namespace; pick one with --build-arg EXAMPLE=...).
#   docker build -t echo-operator --build-arg EXAMPLE=echo-server .
# Two stages: the build stage has the dev dependencies (TypeScript); the runtime stage only production
# dependencies and the compiled JavaScript, and runs as a numeric non-root user so Kubernetes can verify
# `runAsNonRoot` (the generated manifests set it).
ARG EXAMPLE=echo-server

FROM node:20-slim AS build
ARG EXAMPLE
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY examples ./examples
# The examples import the library by relative path (../../../src), so compile both with the layout kept, then
# move the chosen example to a fixed path (same depth, so its imports still resolve) for an exec-form CMD.
# (Example tests are not part of the image and may import test helpers that are not copied.)
RUN rm -rf examples/*/test \
 && npx tsc -p tsconfig.json --noEmit false --sourceMap false --declaration false --outDir build \
 && test -d "build/examples/${EXAMPLE}" \
 && mv "build/examples/${EXAMPLE}" build/app \
 && rm -rf build/examples && mkdir build/examples && mv build/app build/examples/app

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/build/src ./dist/src
COPY --from=build /app/build/examples/app ./dist/examples/app
# uid 1000 is the image's `node` user; numeric, so the kubelet can check runAsNonRoot.
USER 1000:1000
EXPOSE 8080
# Exec form: node is PID 1 and gets SIGTERM itself (graceful stop: in-flight syncs finish, the Lease is released).
CMD ["node", "dist/examples/app/src/operator.js"]
