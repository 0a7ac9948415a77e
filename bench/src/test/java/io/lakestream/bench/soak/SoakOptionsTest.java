package io.lakestream.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakOptionsTest {
  @Test
  void defaultsAreTheMillionRowSoak() {
    SoakOptions options = SoakOptions.parse(new String[0]);
    assertThat(options.rows()).isEqualTo(1_000_000);
    assertThat(options.replays()).isEqualTo(2);
    assertThat(options.chaos()).isTrue();
    assertThat(options.zombieFor()).isEqualTo(Duration.ofSeconds(55));
  }

  @Test
  void countsTakeSuffixesAndSettingsRepeat() {
    SoakOptions options =
        SoakOptions.parse(
            new String[] {
              "--rows", "20k", "--set", "a=1", "--set", "b=2", "--instance-ids", "--no-chaos"
            });
    assertThat(options.rows()).isEqualTo(20_000);
    assertThat(options.roleSettings()).containsExactly("a=1", "b=2");
    assertThat(options.instanceIds()).isTrue();
    assertThat(options.chaos()).isFalse();
  }

  @Test
  void aBadValueNamesTheOption() {
    assertThatThrownBy(() -> SoakOptions.parse(new String[] {"--rows", "many"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--rows needs a positive number, not 'many'");
    assertThatThrownBy(() -> SoakOptions.parse(new String[] {"--replays", "3"}))
        .hasMessageStartingWith("--replays must be 0, 1 or 2");
    assertThatThrownBy(
            () -> SoakOptions.parse(new String[] {"--partitions", "8", "--grow-partitions", "8"}))
        .hasMessage("--grow-partitions must be more than --partitions (8), not 8");
  }

  @Test
  void theRoutedTopicGrowsOnlyWhenAsked() {
    assertThat(SoakOptions.parse(new String[0]).growPartitions()).isZero();
    assertThat(SoakOptions.parse(new String[] {"--grow-partitions", "13"}).growPartitions())
        .isEqualTo(13);
  }

  @Test
  void aWorkFolderWithAPreviousRunIsRefused(@TempDir Path work) throws Exception {
    // Its tables would be read as this run's: every row would count as duplicated.
    Files.createDirectories(work.resolve("warehouse/projects"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        Soak.run(
            new String[] {"--work", work.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "--work "
                + work
                + " holds a previous run (warehouse/ is not empty): give a new folder, or delete"
                + " this one first"
                + System.lineSeparator());
  }
}
