# Build stage: the same Maven build as on a developer machine.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY conf conf
COPY webroot webroot
RUN mvn -B -q package -DskipTests

# Run stage: a JRE, the jar and its defaults, as an unprivileged user. In a container the
# database is external: set SEKISHO_DB_URL (postgresql://user:password@host:5432/sekisho).
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app sekisho
WORKDIR /app
COPY --from=build /src/target/sekisho.jar /app/sekisho.jar
COPY conf /app/conf
COPY webroot /app/webroot
ENV SEKISHO_HTTP_HOST=0.0.0.0 \
    SEKISHO_DEMO_MEMBER=false
USER sekisho
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/sekisho.jar"]
