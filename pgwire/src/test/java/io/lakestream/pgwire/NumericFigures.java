package io.lakestream.pgwire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Random;

/**
 * Nanoseconds per value of {@code numeric}'s binary format ({@link PgType#binary}), the one value
 * of a binary result still encoded from a {@code BigDecimal}: 100,000 values like {@code
 * DECIMAL(18,3)}'s (unscaled in a long) and like {@code DECIMAL(38,9)}'s (120 bits), the best of 15
 * passes each. A plain main, not a test:
 *
 * <pre>
 * mvn -o -q -B -pl pgwire -am test-compile
 * java -cp pgwire/target/classes:pgwire/target/test-classes io.lakestream.pgwire.NumericFigures
 * </pre>
 */
public final class NumericFigures {
  private NumericFigures() {}

  public static void main(String[] args) {
    Random random = new Random(1);
    BigDecimal[] small = new BigDecimal[100_000];
    BigDecimal[] large = new BigDecimal[100_000];
    for (int i = 0; i < small.length; i++) {
      small[i] = BigDecimal.valueOf(random.nextLong() % 1_000_000_000_000_000L, 3);
      large[i] = new BigDecimal(new BigInteger(120, random), 9);
    }
    report("DECIMAL(18,3)", small);
    report("DECIMAL(38,9)", large);
  }

  private static void report(String name, BigDecimal[] values) {
    long best = Long.MAX_VALUE;
    long bytes = 0;
    for (int pass = 0; pass < 15; pass++) {
      long start = System.nanoTime();
      for (BigDecimal value : values) {
        bytes += PgType.NUMERIC.binary(value).length;
      }
      best = Math.min(best, System.nanoTime() - start);
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %.0f ns per value (%d bytes written)%n",
        name,
        (double) best / values.length,
        bytes / 15);
  }
}
