# Production image: gunicorn for web, the same image runs the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    VAR_DIR=/srv/var

WORKDIR /srv/app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic needs settings but no database or secrets of the real deployment.
RUN DJANGO_SECRET_KEY=build-only-not-secret-0123456789abcdefghijklmnop \
    ID_HASH_KEY=build ID_ENCRYPTION_KEY=build \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 portal \
    && mkdir -p /srv/var/media && chown -R portal /srv/var

USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
