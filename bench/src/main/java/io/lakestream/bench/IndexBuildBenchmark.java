package io.lakestream.bench;

import io.lakestream.index.KeyModel;
import io.lakestream.index.LearnedIndex;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: building the in-memory learned index, the static B+tree, and a file's tag-sized {@link
 * KeyModel}, from sorted keys, in ms per build.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx16g"})
public class IndexBuildBenchmark {
  @Param({"1000000", "10000000"})
  public int keys;

  @Param({"timestamps", "ids", "uniform", "lognormal", "osm"})
  public String dataset;

  private long[] sorted;

  @Setup(Level.Trial)
  public void setUp() {
    sorted = Dataset.of(dataset).keys(keys, 42);
  }

  @Benchmark
  public LearnedIndex learnedIndex() {
    return LearnedIndex.build(sorted);
  }

  @Benchmark
  public StaticBPlusTree bPlusTree() {
    return new StaticBPlusTree(sorted);
  }

  @Benchmark
  public KeyModel keyModelForTag() {
    return KeyModel.build(sorted);
  }
}
