# llmsim: a drop-in for vLLM pods (same command line, routes, metrics, KV-cache events), no GPU.
#   docker build -t llmsim:latest .
#   docker run --rm -p 8000:8000 llmsim:latest serve Qwen/Qwen3-8B --max-num-seqs 64
# Everything (tokenizers, profiles, ZeroMQ's native binding) ships in the image: nothing is downloaded at run time.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. Install scripts are not needed: esbuild's binary comes in its platform package and
# zeromq ships prebuilt bindings in the npm package.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && node -e "require('zeromq'); require('esbuild')"

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    # vLLM listens on every interface by default; so does llmsim in the image (127.0.0.1 outside it).
    LLMSIM_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY scenarios ./scenarios
COPY docker/vllm /usr/local/bin/vllm
RUN ln -s /app/bin/llmsim.js /usr/local/bin/llmsim && chmod 0755 /usr/local/bin/vllm /app/bin/llmsim.js
# The node image's unprivileged user (uid 1000).
USER node
EXPOSE 8000 5557 5558
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.LLMSIM_PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["llmsim"]
CMD ["serve"]
