# syntax=docker/dockerfile:1

# Build stage: install the locked dependencies into a virtual environment.
FROM python:3.13-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /venv
COPY requirements.lock .
RUN /venv/bin/pip install --require-hashes -r requirements.lock
# The translations: the .po files are committed, the .mo files Django reads are made here
# with Django's compilemessages (GNU gettext's msgfmt, needed in this stage only).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY locale locale
RUN /venv/bin/django-admin compilemessages --verbosity 0

# Runtime stage: WeasyPrint's system libraries, the app, static files collected.
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/venv/bin:$PATH"
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 portal
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=portal:portal . .
COPY --from=build --chown=portal:portal /app/locale /app/locale
RUN SECRET_KEY=nur-fuer-den-build python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/media && chown portal:portal /app/media
# The frozen council reports and the rendered PDFs (MEDIA_ROOT): keep them on a volume that
# the web servers and the workers share, backed up with the database.
ENV MEDIA_ROOT=/app/media
VOLUME ["/app/media"]
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# The web server. The same image runs the task worker that renders the PDFs, one or more
# containers beside the web server (they answer no HTTP, so without the health check):
#   docker run --no-healthcheck … iserlohn-digital python manage.py db_worker --no-reload
# After each migrate, `python manage.py schedule_reminders` plans the editors' reminders.
CMD ["gunicorn", "--config", "iserlohn_digital/gunicorn.conf.py", "iserlohn_digital.wsgi"]
