# One image for every role: `docker run lakestream ingest|write|query|dev ...`.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -DskipTests -Dspotless.check.skip=true package -pl cli -am

FROM eclipse-temurin:17-jre
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
