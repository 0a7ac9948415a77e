package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The cli module alone is what the production image holds: its roles, and for {@code dev} and
 * {@code bench} (in cli-dev) a message saying where they are instead of a class-loading failure.
 */
class ProductionCommandsTest {

  @Test
  void theProductionCommandsAreThere() {
    assertThat(Main.commandLine().getSubcommands().keySet())
        .contains("ingest", "write", "query", "replay", "produce", "sql", "config");
  }

  @Test
  void devSaysWhereToFindItWhenItIsNotInstalled() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("dev", "--demo")).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "lakestream: 'lakestream dev' is not in this installation: the production image holds"
                + " the roles only (ingest, write, maintain, query). Run it from a source checkout"
                + " (./lakestream dev) or from the development image (docker build --target dev -t"
                + " lakestream:dev .).\n");
  }

  /** A role without a warehouse says so at once, not after reaching (or failing to reach) Kafka. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"write", "query", "maintain"})
  void aRoleWithoutAWarehouseSaysSoBeforeReachingKafka(String role) {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));

    // (no broker answers there: before, the role waited for it and said only that)
    assertThat(cli.execute(role, "--bootstrap-servers", "127.0.0.1:1")).isEqualTo(1);
    assertThat(err.toString()).contains("Configuration key 'warehouse' is not set");
  }
}
