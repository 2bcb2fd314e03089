# Hourglass gateway: `docker build -t hourglass . && docker run -p 8000:8000 hourglass`
# (with no config it serves the demo sources; mount a config and pass --config for real ones).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY gateway ./gateway
COPY schema ./schema
# The versions the tests ran with (constraints.txt), not whatever is newest on the day.
RUN pip install --no-cache-dir --prefix=/install -c constraints.txt .

FROM python:3.11-slim
COPY --from=build /install /usr/local
RUN useradd --create-home --uid 10001 hourglass
USER hourglass
WORKDIR /home/hourglass
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
ENTRYPOINT ["hourglass", "serve", "--host", "0.0.0.0", "--port", "8000"]
