# One image for the whole sandbox; docker-compose.yml runs each service from it.
# Alone, it runs all three seeded: docker run -p 127.0.0.1:8000-8002:8000-8002 <image>
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY foundation ./foundation
COPY sandbox ./sandbox
COPY mock_anaf ./mock_anaf
COPY mock_sbs ./mock_sbs
COPY demo_app ./demo_app
RUN pip install . \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin sandbox \
 && mkdir -p /data \
 && chown sandbox /data

USER sandbox
VOLUME /data
EXPOSE 8000 8001 8002
CMD ["anaf-sandbox", "up", "--host", "0.0.0.0", "--data-dir", "/data"]
