# syntax=docker/dockerfile:1
#
# batchnorm-service: built with the Maven wrapper on a JDK, run from Spring Boot's extracted
# layers on a JRE. Both images are pinned to the same Temurin release by tag.
#
#   docker build -t batchnorm-service:0.1.0 .
#   docker run --rm -p 8080:8080 batchnorm-service:0.1.0
#
# src/test/java/dev/batchnorm/deploy/DockerBuildIT runs this file's build stage on the host (on a
# copy of the context .dockerignore admits, Maven offline), DockerImageIT its extract command and
# ENTRYPOINT; DockerfileTests lints it (keep them in step when editing).

FROM eclipse-temurin:25.0.3_9-jdk-noble AS build
WORKDIR /build

# the wrapper and the POM first, so the dependency layer is reused until pom.xml changes
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:go-offline

# the tests need a Redis and take minutes; they run in CI (./mvnw verify), not in the image build.
# The SDK generator would still run (generate-test-sources) and read openapi/openapi.yaml, which
# is not in the build context: -Dcodegen.skip=true skips it.
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q package -Dmaven.test.skip=true -Dcodegen.skip=true \
    && cp target/batchnorm-service-*.jar app.jar \
    && java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted


FROM eclipse-temurin:25.0.3_9-jre-noble

LABEL org.opencontainers.image.title="batchnorm-service" \
      org.opencontainers.image.description="Sonnet v1 BatchNorm as a REST microservice"

# an unprivileged system user with fixed ids (Kubernetes' runAsUser/runAsGroup use the same)
RUN groupadd --system --gid 10001 batchnorm \
    && useradd --system --uid 10001 --gid batchnorm --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin batchnorm

WORKDIR /app
# least to most often changed, one image layer each; owned by root, so the app cannot alter itself
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./

USER 10001:10001
EXPOSE 8080

# The heap is a share of the container's memory limit (the JVM reads the cgroup limit, not the
# node's memory), and an OutOfMemoryError ends the process so the orchestrator restarts it.
# Temporary files go to /tmp (an emptyDir under Kubernetes' read-only root filesystem).
# The Vector API module runs the float32 kernels on SIMD lanes (without it they fall back to plain
# loops with the same results). Operators add JVM flags with JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", "--add-modules=jdk.incubator.vector", "org.springframework.boot.loader.launch.JarLauncher"]
