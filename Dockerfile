# One image for every Bazaar service and the gateway; the command picks which one runs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml ./
COPY services/__init__.py services/__init__.py
COPY gateway/__init__.py gateway/__init__.py
RUN pip install --no-cache-dir .  && pip uninstall -y bazaar

COPY . .
RUN useradd --system --home /app bazaar && mkdir -p var && chown -R bazaar var
USER bazaar

EXPOSE 8000
CMD ["nameko", "run", "--config", "config/bazaar.yaml", "gateway.service:GatewayService"]
