package io.lakestream.cli;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lakestream dev}: every role in one process, on an embedded Kafka broker and S3 server,
 * with data kept under {@code --data-dir} so a restart keeps it.
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = "Run Lakestream in one process: a Kafka broker, an S3 API server, and the roles.")
final class DevCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = "./data",
      description =
          "Where Kafka data, S3 objects and the local warehouse live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Kafka client port, advertised as localhost (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--s3-port",
      defaultValue = "9000",
      description = "S3 API port (default: ${DEFAULT-VALUE}).")
  int s3Port;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description = "Query API port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--tables-dir",
      description = "A folder of extra table definitions (*.yaml) to load beside the built-ins.")
  Path tablesDir;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, TableDefinition> tables = new LinkedHashMap<>(TableDefinitions.builtIns());
    if (tablesDir != null) {
      tables.putAll(TableDefinitions.loadDirectory(tablesDir));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    DevRuntime runtime =
        DevRuntime.start(new DevRuntime.Options(dataDir, kafkaPort, s3Port, httpPort, tables));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Stopping Lakestream dev...");
                  runtime.close();
                  stopped.countDown();
                },
                "lakestream-shutdown"));
    runtime.printSummary(System.out);
    stopped.await();
    return 0;
  }
}
