# Production image for the Genomics Collaboration Portal.
# One image serves every role in docker-compose.yml: web (gunicorn, the default CMD), the Celery
# worker, Celery beat and the one-shot migrate job. Health checks live in docker-compose.yml.
FROM python:3.11-slim-bookworm

# PYTHONPATH: the portal is imported from /app, never from site-packages, because the settings
# find templates/, static/ and var/ relative to portal/settings/ (BASE_DIR).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

# Pango and HarfBuzz for WeasyPrint (the packages `scripts/system-deps.sh pango` installs).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system portal \
    && useradd --system --gid portal --create-home --home-dir /home/portal \
        --shell /usr/sbin/nologin portal

WORKDIR /app

# Dependencies first, so this layer is rebuilt only when pyproject.toml or the pins change.
# With no code copied yet, `pip install .` installs the pinned dependencies and an empty
# genomics-portal distribution (the dev extras are not installed).
COPY pyproject.toml ./
COPY requirements/constraints.txt requirements/constraints.txt
RUN pip install --no-cache-dir -c requirements/constraints.txt . \
    && rm -rf build ./*.egg-info

COPY . .

# Static files are collected at build time (WhiteNoise serves them with hashed names).
# Production settings refuse to load without a SECRET_KEY and ALLOWED_HOSTS, so this one
# command gets throwaway values. They apply to this RUN only (and show in the image history, so
# they are never a real key); the containers get the real ones from the environment.
RUN DJANGO_SETTINGS_MODULE=portal.settings.production \
    SECRET_KEY=collectstatic-at-build-time-only-never-used-at-runtime-0000000000 \
    ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var /app/media \
    && chown -R portal:portal /app/var /app/media

ENV DJANGO_SETTINGS_MODULE=portal.settings.production

USER portal

EXPOSE 8000

CMD ["gunicorn", "portal.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-"]
