# One multi-stage build for the four services, the span indexer and the console: `docker build --build-arg SERVICE=users .`
# (compose does this; the indexer also names its folder: --build-arg MODULE=observability/span-indexer).
# The build stage does not depend on SERVICE, so BuildKit builds it once and the four images share it.
# The defaults below must equal JAVA_BUILD_IMAGE / JAVA_RUNTIME_IMAGE in .env (ComposeFileTest checks it).
ARG JAVA_BUILD_IMAGE=maven:3.9-eclipse-temurin-21
ARG JAVA_RUNTIME_IMAGE=eclipse-temurin:21-jre

FROM ${JAVA_BUILD_IMAGE} AS build
WORKDIR /build
COPY . .
# Tests run in CI (make test), not in the image build: they need Elasticsearch and Jaeger.
# The cache mount keeps downloaded dependencies between builds (it is not part of any image).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q package -DskipTests -pl users,orders,payments,orchestrator,observability/span-indexer,observability/console -am

FROM ${JAVA_RUNTIME_IMAGE}
ARG SERVICE
ARG MODULE=${SERVICE}
# Temurin's Ubuntu images already ship curl, which answers the compose healthcheck (GET /health/ready).
RUN useradd --system --uid 10001 --no-create-home flowlens
WORKDIR /app
COPY --from=build /build/${MODULE}/target/${SERVICE}.jar /app/service.jar
COPY --from=build /build/${MODULE}/target/libs /app/libs
USER flowlens
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/service.jar"]
