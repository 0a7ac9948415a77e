package io.lakestream.cli;

import io.lakestream.bench.IndexComparison;
import io.lakestream.bench.soak.Soak;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code lakestream bench}: short versions of the project's benchmarks. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Run a short benchmark; the full runs and their figures are in docs/benchmarks.md.",
    subcommands = {BenchCommand.Index.class, BenchCommand.SoakRun.class})
final class BenchCommand {

  /** {@code lakestream bench index}: learned index against TreeMap, binary search and a B+tree. */
  @Command(
      name = "index",
      mixinStandardHelpOptions = true,
      description =
          "Compare the learned index with TreeMap, Arrays.binarySearch and a static B+tree on the"
              + " same keys; prints ns/lookup (throughput and latency), build time and bytes/key.")
  static final class Index implements Callable<Integer> {
    @Option(
        names = "--keys",
        description = "Keys per data set, e.g. 1M or 10000000 (default 10M; 1M with --quick).")
    String keys;

    @Option(names = "--quick", description = "Fewer, shorter passes: done in well under a minute.")
    boolean quick;

    @Option(
        names = "--datasets",
        description = "Comma-separated: timestamps, ids, uniform, lognormal, clustered.")
    String datasets;

    @Override
    public Integer call() {
      List<String> args = new ArrayList<>();
      if (keys != null) {
        args.add("--keys");
        args.add(keys);
      }
      if (quick) {
        args.add("--quick");
      }
      if (datasets != null) {
        args.add("--datasets");
        args.add(datasets);
      }
      try {
        IndexComparison.main(args.toArray(String[]::new));
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), e);
      }
      return 0;
    }
  }

  /**
   * {@code lakestream bench soak}: the exactly-once soak, with the roles started as processes of
   * this command's own jars.
   */
  @Command(
      name = "soak",
      description =
          "Exactly-once soak: two routers and two writers as processes, OTLP logs with unique ids,"
              + " kill -9s, a kill-all, a zombie writer and replays; then every row is counted with"
              + " Delta Kernel. Exits 0 only when nothing is lost or duplicated. Options: --help.")
  static final class SoakRun implements Callable<Integer> {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      List<String> all = new ArrayList<>(args);
      if (!all.contains("--cli")) {
        cliDir().ifPresent(dir -> all.addAll(List.of("--cli", dir.toString())));
      }
      return Soak.run(all.toArray(String[]::new), System.out, System.err);
    }

    /**
     * The folder with lakestream-cli.jar and the production lib/ the roles are started from: {@code
     * $LAKESTREAM_HOME/cli/target} (set by the launcher of a source checkout), else the folder of
     * the running lakestream-cli.jar when it has that layout.
     */
    private static java.util.Optional<Path> cliDir() {
      String home = System.getenv("LAKESTREAM_HOME");
      if (home != null) {
        return java.util.Optional.of(Path.of(home, "cli", "target"));
      }
      try {
        Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getFileName().toString().equals("lakestream-cli.jar")
            ? java.util.Optional.of(jar.getParent())
            : java.util.Optional.empty();
      } catch (URISyntaxException | SecurityException e) {
        return java.util.Optional.empty();
      }
    }
  }
}
