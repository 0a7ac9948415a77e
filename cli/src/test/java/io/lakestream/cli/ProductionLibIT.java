package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The jars the production image ships ({@code cli/target/lib}, as packaged) hold no test or
 * development library: no in-process broker or S3 server, no JUnit, no JMH.
 */
class ProductionLibIT {

  @Test
  void theProductionLibHoldsNoDevelopmentLibrary() throws IOException {
    List<String> jars;
    try (Stream<Path> files = Files.list(Path.of("target", "lib"))) {
      jars = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(jars).anyMatch(j -> j.startsWith("lakestream-writer-"));
    assertThat(jars)
        .noneMatch(j -> j.startsWith("lakestream-testkit-"))
        .noneMatch(j -> j.startsWith("lakestream-bench-"))
        .noneMatch(j -> j.startsWith("junit-"))
        .noneMatch(j -> j.startsWith("jmh-"))
        .noneMatch(j -> j.startsWith("s3proxy-"))
        .noneMatch(j -> j.startsWith("kafka_2.13-")); // the broker; kafka-clients stays
  }
}
