# Polku in a container: a build stage with the Rust toolchain (the server,
# the wasm half and its tools, the same scripts as `bash scripts/run.sh`),
# and a small runtime stage with the binary, the browser files and the
# bundled courses, run as an unprivileged user.
#
#   docker build -t polku .
#   docker run -p 3000:3000 -v polku-data:/var/lib/polku polku
#
# The data volume holds the SQLite file, the issuer keys (back them up:
# `docker exec … polku backup /var/lib/polku/backups/now.zip`), the search
# index and scheduled backups. See docs/operations.md.

FROM rust:1.95-bookworm AS build
ENV POLKU_CACHE=/cache CARGO_TARGET_DIR=/cache/target CARGO_INCREMENTAL=0
WORKDIR /src
COPY . .
RUN bash scripts/setup.sh && bash scripts/build.sh --release \
 && mkdir -p /out/site \
 && cp "$CARGO_TARGET_DIR/release/polku" /out/polku \
 && cp -r "$CARGO_TARGET_DIR/site/." /out/site/

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates espeak-ng opus-tools \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/polku --shell /usr/sbin/nologin polku \
 && mkdir -p /var/lib/polku && chown polku:polku /var/lib/polku && chmod 0700 /var/lib/polku
COPY --from=build /out/polku /usr/local/bin/polku
COPY --from=build /out/site /usr/share/polku/site
COPY content /usr/share/polku/content
ENV POLKU_HOST=0.0.0.0 \
    POLKU_PORT=3000 \
    POLKU_SITE_DIR=/usr/share/polku/site \
    POLKU_CONTENT_DIR=/usr/share/polku/content \
    POLKU_DATABASE_URL=sqlite:///var/lib/polku/polku.db
WORKDIR /var/lib/polku
VOLUME /var/lib/polku
USER polku
EXPOSE 3000
# Ready when /readyz answers 200 (bash's /dev/tcp: no curl in the image).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${POLKU_PORT:-3000} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/local/bin/polku"]
CMD ["serve"]
