package io.lakestream.cli;

import io.lakestream.bench.IndexComparison;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lakestream bench}: short versions of the project's benchmarks. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Run a short benchmark; the full runs and their figures are in docs/benchmarks.md.",
    subcommands = {BenchCommand.Index.class})
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
}
