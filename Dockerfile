# One image for every Bazaar service and the gateway; the command picks which one runs.

# The web app (storefront, back office, API reference), built from its lockfile's exact packages;
# the gateway serves the result from web/dist.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./
RUN npm run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml ./
COPY services/__init__.py services/__init__.py
COPY gateway/__init__.py gateway/__init__.py
RUN pip install --no-cache-dir .  && pip uninstall -y bazaar

COPY . .
COPY --from=web /web/dist web/dist
RUN useradd --system --home /app bazaar && mkdir -p var && chown -R bazaar var
USER bazaar

EXPOSE 8000
CMD ["nameko", "run", "--config", "config/bazaar.yaml", "gateway.service:GatewayService"]
