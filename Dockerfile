# One multi-stage build for the four services: `docker build --build-arg SERVICE=users .` (compose does this).
ARG JAVA_BUILD_IMAGE=maven:3.9-eclipse-temurin-21
ARG JAVA_RUNTIME_IMAGE=eclipse-temurin:21-jre

FROM ${JAVA_BUILD_IMAGE} AS build
WORKDIR /build
COPY . .
# Tests run in CI (make test), not in the image build: they need Elasticsearch and Jaeger.
RUN mvn -B -q package -DskipTests -pl users,orders,payments,orchestrator -am

FROM ${JAVA_RUNTIME_IMAGE}
ARG SERVICE
# curl answers the compose healthcheck (GET /health/ready)
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 flowlens
WORKDIR /app
COPY --from=build /build/${SERVICE}/target/${SERVICE}.jar /app/service.jar
COPY --from=build /build/${SERVICE}/target/libs /app/libs
USER flowlens
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/service.jar"]
