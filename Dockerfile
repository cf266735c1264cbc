FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
# Editable install keeps migrations/ beside app/, where `gimark db upgrade` looks for them.
RUN pip install --no-cache-dir -e .
RUN useradd --create-home gimark && mkdir -p /app/var && chown gimark /app/var
USER gimark
EXPOSE 8000
CMD ["sh", "-c", "gimark db upgrade && gimark serve --host 0.0.0.0 --port 8000 --workers ${GIMARK_WORKERS:-2}"]
