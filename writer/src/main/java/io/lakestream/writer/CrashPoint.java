package io.lakestream.writer;

/** The steps of a flush between which a test may simulate a crash, in the order they happen. */
public enum CrashPoint {
  /** The Parquet file is in storage; the Delta commit that would add it has not been made. */
  AFTER_DATA_FILE_WRITTEN,
  /** The Delta commit is made; the Kafka offsets it covers are not committed. */
  AFTER_DELTA_COMMIT,
  /**
   * A table's flush is committed and handed back to the poll thread, which has taken its rows out
   * of the buffers; other tables' flushes of the same poll may not be, and no offset is committed
   * yet.
   */
  FLUSH_APPLIED,
  /** Every due table is committed; the Kafka offsets are about to be committed. */
  BEFORE_OFFSET_COMMIT
}
