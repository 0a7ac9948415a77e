package io.lakestream.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.read.ListAppender;
import io.delta.kernel.internal.snapshot.SnapshotManager;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.Metadata;
import io.delta.standalone.types.LongType;
import io.delta.standalone.types.StructField;
import io.delta.standalone.types.StructType;
import io.lakestream.tables.DeltaLogReader.LogSnapshot;
import io.lakestream.tables.internal.StandaloneDeltaLogReader;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * With the roles' logging configuration ({@code logback.xml}), a sidecar loading a table that has
 * no checkpoint yet logs no Delta warning for it, and Delta Kernel's other warnings are still
 * logged.
 */
class DroppedMessageFilterTest {
  @TempDir Path folder;

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void configureAsTheRolesDo() throws JoranException {
    configure("logback.xml");
    logged.setContext(context);
    logged.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logged);
  }

  @AfterEach
  void configureAsTheTestsDo() throws JoranException {
    configure("logback-test.xml");
  }

  @Test
  void loadingATableWithoutACheckpointLogsNoWarning() {
    Path table = folder.resolve("events");
    DeltaLog deltaLog = DeltaLog.forTable(new Configuration(), table.toString());
    deltaLog
        .startTransaction()
        .commit(
            List.of(
                Metadata.builder()
                    .schema(
                        new StructType(new StructField[] {new StructField("id", new LongType())}))
                    .build(),
                new AddFile("part-0.parquet", Map.of(), 100, 0, true, null, null)),
            new Operation(Operation.Name.WRITE),
            "test");

    LogSnapshot snapshot =
        new StandaloneDeltaLogReader(new Configuration()).open(table.toUri().toString()).snapshot();

    assertThat(snapshot.version()).isZero();
    assertThat(snapshot.files()).hasSize(1);
    assertThat(logged.list)
        .filteredOn(e -> e.getLoggerName().startsWith("io.delta"))
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .isEmpty();
  }

  @Test
  void kernelsOtherWarningsAreLogged() {
    LoggerFactory.getLogger(SnapshotManager.class)
        .warn(
            "{}: Checkpoint at version {} appears to have been deleted. Falling back to search for"
                + " an earlier valid checkpoint.",
            "events",
            10);

    assertThat(logged.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "events: Checkpoint at version 10 appears to have been deleted. Falling back to search"
                + " for an earlier valid checkpoint.");
  }

  private void configure(String resource) throws JoranException {
    URL configuration = getClass().getClassLoader().getResource(resource);
    assertThat(configuration).as(resource).isNotNull();
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(configuration);
  }
}
