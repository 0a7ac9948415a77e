package io.lakestream.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

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
  }
}
