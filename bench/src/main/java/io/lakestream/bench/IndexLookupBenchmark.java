package io.lakestream.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: lookups in the learned index, a static B+tree, {@code Arrays.binarySearch} and {@code
 * TreeMap} over the same keys, in ns per lookup. {@code throughput}: independent lookups of 2^22
 * random keys of the set; {@code latency}: a dependent chain of 2^20 lookups, each probe chosen by
 * the previous result. TreeMap fails its set-up above 10M keys (on purpose: it would need about 8
 * GB at 100M). One fork per parameter combination, so every lookup loop stays monomorphic.
 *
 * <p>{@code java -Xmx16g -jar bench/target/benchmarks.jar IndexLookupBenchmark -p keys=10000000}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx16g"})
public class IndexLookupBenchmark {
  static final int PROBES = 1 << 22;
  static final int CHAIN = 1 << 20;

  @Param({"1000000", "10000000", "100000000"})
  public int keys;

  @Param({"timestamps", "ids", "uniform", "lognormal", "osm"})
  public String dataset;

  @Param({"learned", "b+tree", "binarySearch", "treeMap"})
  public String structure;

  private long[] probes;
  private Lookup lookup;

  @Setup(Level.Trial)
  public void setUp() {
    long[] sorted = Dataset.of(dataset).keys(keys, 42);
    probes = Dataset.probes(sorted, PROBES, 43);
    lookup = Lookup.build(structure, sorted);
  }

  @Benchmark
  @OperationsPerInvocation(PROBES)
  public long throughput() {
    return lookup.throughput(probes);
  }

  @Benchmark
  @OperationsPerInvocation(CHAIN)
  public long latency() {
    return lookup.latency(probes, CHAIN);
  }
}
