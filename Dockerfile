# One production image for every role: `docker run lakestream ingest|write|query ...`.
# `docker build --target dev -t lakestream:dev .` adds `dev` and `bench` (an in-process broker and
# S3 server, JMH) on top; the production image carries none of them.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -DskipTests -Dspotless.check.skip=true package -pl cli-dev -am

FROM eclipse-temurin:17-jre AS production
RUN useradd --system --uid 10001 --home /var/lib/lakestream lakestream \
 && mkdir -p /var/lib/lakestream && chown lakestream /var/lib/lakestream
COPY --from=build /src/cli/target/lib/ /opt/lakestream/lib/
COPY --from=build /src/cli/target/lakestream-cli.jar /opt/lakestream/lakestream-cli.jar
USER lakestream
WORKDIR /var/lib/lakestream
ENV LAKESTREAM_DATA_DIR=/var/lib/lakestream \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
EXPOSE 8080 8081 5432
ENTRYPOINT ["java", "-cp", "/opt/lakestream/lakestream-cli.jar:/opt/lakestream/lib/*", "io.lakestream.cli.Main"]
CMD ["--help"]

FROM eclipse-temurin:17-jre AS dev
RUN useradd --system --uid 10001 --home /var/lib/lakestream lakestream \
 && mkdir -p /var/lib/lakestream && chown lakestream /var/lib/lakestream
COPY --from=build /src/cli-dev/target/lib-dev/ /opt/lakestream/lib/
COPY --from=build /src/cli-dev/target/lakestream-cli-dev.jar /opt/lakestream/lakestream-cli-dev.jar
USER lakestream
WORKDIR /var/lib/lakestream
ENV LAKESTREAM_DATA_DIR=/var/lib/lakestream \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
EXPOSE 8080 8081 5432 9092
ENTRYPOINT ["java", "-cp", "/opt/lakestream/lakestream-cli-dev.jar:/opt/lakestream/lib/*", "io.lakestream.cli.Main"]
CMD ["dev", "--help"]

# The last stage is what a plain `docker build .` makes: the production image.
FROM production
