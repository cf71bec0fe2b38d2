# Build stage: the same Maven build as on a developer machine.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
# The dependency cache: a layer that changes only with pom.xml. dependency:go-offline alone misses
# what plugins resolve only when they run (Maven's plexus-utils for Surefire among them), so the
# whole build runs once here on the bare pom; the real build below is then offline (-o).
RUN mvn -B -q dependency:go-offline && mvn -B -q package -DskipTests && rm -rf target
COPY src src
COPY conf conf
COPY webroot webroot
# Only this image's architecture's PostgreSQL binaries go into the jar (amd64 or arm64).
ARG TARGETARCH=amd64
RUN mvn -B -o -q package -DskipTests -P postgres-${TARGETARCH}-only

# Run stage: a JRE, the jar and its defaults, as an unprivileged user, in production mode ("start"):
# it refuses to start until the keys below README's "Production" lists are set, e.g.
# SEKISHO_DB_URL, SEKISHO_MAIL_HOST, SEKISHO_SECRETS_KEYS, SEKISHO_ADMIN_TOKEN, SEKISHO_HTTP_PUBLIC_ORIGIN.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app sekisho
WORKDIR /app
COPY --from=build /src/target/sekisho.jar /app/sekisho.jar
COPY conf /app/conf
COPY webroot /app/webroot
# What is right in every container: listen on all interfaces (the management port 8081 too,
# for probes and Prometheus; keep it off the public network), no demo parts, mail through a relay,
# Secure cookies (TLS ends at the proxy in front).
ENV SEKISHO_HTTP_HOST=0.0.0.0 \
    SEKISHO_MANAGEMENT_HOST=0.0.0.0 \
    SEKISHO_HTTP_SECURE_COOKIES=true \
    SEKISHO_MAIL_MODE=relay \
    SEKISHO_DEMO_MEMBER=false \
    SEKISHO_GATEWAY_DEMO_UPSTREAM_ENABLED=false
# The gateway's memory (README, "Production"; BENCHMARKS.md): two malloc arenas instead of 8 per core,
# and the JVM flags the bench measures its gateways with (GatewayFlagsTest keeps them the same).
ENV MALLOC_ARENA_MAX=2
USER sekisho
EXPOSE 8080 8081
ENTRYPOINT ["java", "-XX:+UseG1GC", "-Xmx112m", "-XX:MaxGCPauseMillis=10", "-XX:MetaspaceSize=64m", "-XX:TrimNativeHeapInterval=5000", "-jar", "/app/sekisho.jar", "start"]
