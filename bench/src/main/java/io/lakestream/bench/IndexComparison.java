package io.lakestream.bench;

import io.lakestream.index.KeyModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Compares the learned index with a static B+tree, {@code Arrays.binarySearch} and {@code TreeMap}
 * on the same keys and lookups, without JMH: its own warm-up and timing loop, so that it runs in
 * seconds from the {@code lakestream} command ({@code ./lakestream bench index [--keys N]
 * [--quick]}). Prints one Markdown table: data set × structure × throughput and latency (ns/lookup,
 * median of the timed passes), build time and index bytes per key.
 *
 * <p>Options: {@code --keys N} (default 10,000,000; {@code --quick} makes it 1,000,000), {@code
 * --quick} (fewer, shorter passes), {@code --datasets a,b} (default all: timestamps, ids, uniform,
 * lognormal, osm), {@code --structures a,b} (default learned, b+tree, binarySearch, treeMap; also
 * {@code learned-e<epsilon>}), {@code --probes N} (a power of two), {@code --seed S}.
 */
public final class IndexComparison {
  private final int keyCount;
  private final int probeCount;
  private final int latencyCount;
  private final int warmups;
  private final int passes;
  private final long seed;
  private final List<Dataset> datasets;
  private final List<String> structures;

  private IndexComparison(String[] args) {
    boolean quick = false;
    Integer keys = null;
    Integer probes = null;
    long seed = 42;
    List<Dataset> datasets = Arrays.asList(Dataset.values());
    List<String> structures =
        List.of(Lookup.LEARNED, Lookup.BTREE, Lookup.BINARY_SEARCH, Lookup.TREE_MAP);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick":
          quick = true;
          break;
        case "--keys":
          keys = (int) parseCount(value(args, ++i, "--keys"));
          break;
        case "--probes":
          probes = (int) parseCount(value(args, ++i, "--probes"));
          break;
        case "--seed":
          seed = Long.parseLong(value(args, ++i, "--seed"));
          break;
        case "--datasets":
          datasets = new ArrayList<>();
          for (String name : value(args, ++i, "--datasets").split(",")) {
            datasets.add(Dataset.of(name.trim()));
          }
          break;
        case "--structures":
          structures = List.of(value(args, ++i, "--structures").split(","));
          break;
        default:
          throw new IllegalArgumentException(
              "Unknown option '"
                  + args[i]
                  + "'; usage: [--keys N] [--quick] [--datasets a,b] [--structures a,b]"
                  + " [--probes N] [--seed S]");
      }
    }
    this.keyCount = keys != null ? keys : quick ? 1_000_000 : 10_000_000;
    this.probeCount = probes != null ? probes : quick ? 1 << 19 : 1 << 22;
    this.latencyCount = quick ? 1 << 16 : 1 << 20;
    this.warmups = quick ? 1 : 2;
    this.passes = quick ? 3 : 5;
    this.seed = seed;
    this.datasets = datasets;
    this.structures = structures;
    if (Integer.bitCount(probeCount) != 1) {
      throw new IllegalArgumentException("--probes " + probeCount + " is not a power of two");
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  /** Parses {@code 10000000}, {@code 10_000_000}, {@code 10M} or {@code 1G}. */
  private static long parseCount(String text) {
    String t = text.replace("_", "").trim().toUpperCase(Locale.ROOT);
    long scale = 1;
    if (t.endsWith("K")) {
      scale = 1_000;
    } else if (t.endsWith("M")) {
      scale = 1_000_000;
    } else if (t.endsWith("G")) {
      scale = 1_000_000_000;
    }
    if (scale != 1) {
      t = t.substring(0, t.length() - 1);
    }
    long count = Long.parseLong(t) * scale;
    if (count < 1 || count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("count " + text + " is out of range");
    }
    return count;
  }

  /** Runs the comparison and prints the table to standard output. */
  public static void main(String[] args) {
    new IndexComparison(args).run();
  }

  private void run() {
    Runtime runtime = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "# Index comparison: %,d keys, %,d probes (throughput), %,d dependent lookups (latency),"
            + " %d warm-up + %d timed passes, median; %d cores, Java %s, max heap %,d MiB%n%n",
        keyCount,
        probeCount,
        latencyCount,
        warmups,
        passes,
        runtime.availableProcessors(),
        System.getProperty("java.version"),
        runtime.maxMemory() >> 20);
    System.out.println(
        "| dataset | structure | throughput ns/lookup | latency ns/lookup | build ms |"
            + " bytes/key | notes |");
    System.out.println("|---|---|---:|---:|---:|---:|---|");
    List<String> tagRows = new ArrayList<>();
    for (Dataset dataset : datasets) {
      long started = System.nanoTime();
      long[] keys = dataset.keys(keyCount, seed);
      long[] probes = Dataset.probes(keys, probeCount, seed + 1);
      String generated =
          String.format(Locale.ROOT, "keys generated in %,d ms", millisSince(started));
      List<Measured> measured = new ArrayList<>();
      for (String structure : structures) {
        if (structure.equals(Lookup.TREE_MAP) && keyCount > Lookup.TREE_MAP_MAX_KEYS) {
          continue;
        }
        measured.add(build(structure, keys, probes));
      }
      // Passes go round the structures, so that the noise of a shared machine hits all alike.
      for (int pass = -warmups; pass < passes; pass++) {
        for (Measured m : measured) {
          m.pass(pass, probes);
        }
      }
      Long reference = null;
      for (String structure : structures) {
        Measured m =
            measured.stream().filter(x -> x.structure.equals(structure)).findFirst().orElse(null);
        if (m == null) {
          row(dataset, structure, "—", "—", "—", "—", "skipped: TreeMap is capped at 10M keys");
          continue;
        }
        String notes = String.join("; ", nonEmpty(m.lookup.notes(), generated));
        generated = "";
        if (!structure.equals(Lookup.BINARY_SEARCH)) {
          // binarySearch returns any position of a duplicate key: not comparable.
          if (reference == null) {
            reference = m.checksum;
          } else if (reference != m.checksum) {
            notes += " WRONG ANSWERS (checksum differs)";
          }
        }
        row(
            dataset,
            structure,
            format(median(m.throughput)),
            format(median(m.latency)),
            String.format(Locale.ROOT, "%,.0f", m.buildMillis),
            String.format(Locale.ROOT, "%.3f", m.indexBytes / (double) keys.length),
            notes);
      }
      measured.clear();
      tagRows.add(tagModelRow(dataset, keys));
      System.gc();
    }
    System.out.printf(
        Locale.ROOT,
        "%n## Tag model (KeyModel.build, at most %,d bytes) over the same %,d keys%n%n",
        KeyModel.DEFAULT_MAX_BYTES,
        keyCount);
    System.out.println(
        "| dataset | epsilon | segments | bytes | tag chars | build ms | keys/s |"
            + " rows per 1-key range |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    tagRows.forEach(System.out::println);
  }

  /** The tag model of the keys: its epsilon and size, and how wide its row ranges are. */
  private String tagModelRow(Dataset dataset, long[] keys) {
    KeyModel.build(keys); // warm-up
    long started = System.nanoTime();
    KeyModel model = KeyModel.build(keys);
    double millis = (System.nanoTime() - started) / 1e6;
    long[] probes = Dataset.probes(keys, 1 << 12, seed + 2);
    long rows = 0;
    for (long probe : probes) {
      rows += model.rowRangeInclusive(probe, probe).length();
    }
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %,d | %,d | %,d | %,.0f | %,.0fM | %,.0f |",
        dataset.label(),
        model.epsilon(),
        model.segmentCount(),
        model.serializedSize(),
        model.toTag().length(),
        millis,
        keys.length / millis / 1e3,
        rows / (double) probes.length);
  }

  private static void row(
      Dataset dataset,
      String structure,
      String throughput,
      String latency,
      String build,
      String bytes,
      String notes) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s | %s | %s |%n",
        dataset.label(),
        structure,
        throughput,
        latency,
        build,
        bytes,
        notes);
    System.out.flush();
  }

  private static List<String> nonEmpty(String... texts) {
    List<String> kept = new ArrayList<>();
    for (String text : texts) {
      if (!text.isEmpty()) {
        kept.add(text);
      }
    }
    return kept;
  }

  private static String format(double nanos) {
    return String.format(Locale.ROOT, nanos < 100 ? "%.1f" : "%.0f", nanos);
  }

  private static long millisSince(long started) {
    return (System.nanoTime() - started) / 1_000_000;
  }

  /** Consumed results, so that no lookup loop is dead code. */
  private static long sink;

  private Measured build(String structure, long[] keys, long[] probes) {
    Measured m = new Measured(structure);
    // Build twice (the first also warms the build code up), except the slow TreeMap.
    int builds = structure.equals(Lookup.TREE_MAP) ? 1 : 2;
    m.buildMillis = Double.MAX_VALUE;
    for (int b = 0; b < builds; b++) {
      m.lookup = null;
      long started = System.nanoTime();
      m.lookup = Lookup.build(structure, keys);
      m.buildMillis = Math.min(m.buildMillis, (System.nanoTime() - started) / 1e6);
    }
    m.indexBytes = m.lookup.indexBytes();
    m.checksum = m.lookup.throughput(probes);
    return m;
  }

  private final class Measured {
    final String structure;
    final double[] throughput = new double[passes];
    final double[] latency = new double[passes];
    Lookup lookup;
    long checksum;
    double buildMillis;
    long indexBytes;

    Measured(String structure) {
      this.structure = structure;
    }

    /** One timed pass of each mode; a warm-up pass ({@code pass < 0}) is not recorded. */
    void pass(int pass, long[] probes) {
      long started = System.nanoTime();
      sink += lookup.throughput(probes);
      long middle = System.nanoTime();
      sink += lookup.latency(probes, latencyCount);
      long ended = System.nanoTime();
      if (pass >= 0) {
        throughput[pass] = (middle - started) / (double) probes.length;
        latency[pass] = (ended - middle) / (double) latencyCount;
      }
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
