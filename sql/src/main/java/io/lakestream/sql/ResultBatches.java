package io.lakestream.sql;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;

/**
 * A query's rows as Arrow record batches, fetched from the engine one batch at a time as it
 * produces them ({@link QueryResult#batches}): at most one batch is held, of a bounded number of
 * rows, in memory of its own that {@link #close()} releases.
 *
 * <p>The columns are the result's ({@link QueryResult#columns()}), with the same names, in Arrow
 * types as the engine exports them: {@code timestamptz} as {@code Timestamp(MICROSECOND, UTC)},
 * {@code timestamp} as {@code Timestamp(MICROSECOND)} without a zone, {@code json} and {@code text}
 * as {@code Utf8}, arrays as {@code List}, {@code numeric} as {@code Decimal}, {@code bytea} as
 * {@code Binary}, {@code date} as {@code Date(DAY)}, {@code interval} as {@code
 * Interval(MONTH_DAY_NANO)}. An engine {@code ENUM} is dictionary-encoded: its dictionaries are
 * given by this provider.
 *
 * <p>Not thread-safe: one reader at a time.
 */
public interface ResultBatches extends DictionaryProvider, AutoCloseable {
  /**
   * The vectors of the current batch, whose schema is the result's (known before the first batch);
   * the same object for every batch, refilled by {@link #next()}.
   */
  VectorSchemaRoot batch();

  /**
   * Fetches the next batch into {@link #batch()}.
   *
   * @return false when there is none left
   * @throws SqlException when the statement fails while producing rows (the message says why)
   */
  boolean next();

  /** Rows fetched so far. */
  long count();

  /** Releases the batch and its memory, and the engine's stream; never throws. */
  @Override
  void close();
}
