# syntax=docker/dockerfile:1
# One image for every process of the platform: the gateway, the four services and the
# one-shot `khuyenhoc directory load`. docker-compose.yml and deploy/k8s/ pass the command,
# e.g. `nameko run --config deploy/config.yaml gateway.entrypoint:GatewayService`; the
# working directory is /app so the relative `deploy/config.yaml` resolves.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_INPUT=1

# A fixed numeric uid/gid, so Kubernetes' runAsNonRoot can verify it (it cannot check a name).
RUN groupadd --system --gid 10001 khuyenhoc \
 && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/khuyenhoc \
        --shell /usr/sbin/nologin khuyenhoc

WORKDIR /app

# The pinned runtime dependencies first, in their own layer: it is rebuilt only when
# pyproject.toml changes, not on every source edit.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# Then the project itself (see .dockerignore for what stays out). The files stay owned by
# root: the service user only reads them.
COPY . .
RUN pip install --no-cache-dir . \
 && rm -rf build ./*.egg-info

# The code is imported from /app, not from site-packages, so the contracts/ and deploy/ files it
# reads next to the packages are found (the install above provides the `khuyenhoc` command).
ENV PYTHONPATH=/app

USER 10001:10001

EXPOSE 8000 8001 8002 8003 8004

# Nothing specific: every deployment names the process to run.
CMD ["python", "-c", "print('khuyenhoc/platform: pass a command, e.g. nameko run --config deploy/config.yaml gateway.entrypoint:GatewayService')"]
