package io.lakestream.writer;

/** The steps of a flush between which a test may simulate a crash, in the order they happen. */
public enum CrashPoint {
  /** The Parquet file is in storage; the Delta commit that would add it has not been made. */
  AFTER_DATA_FILE_WRITTEN,
  /**
   * The writer wrote the table's next log entry itself (a new table's version 0, or version {@code
   * N + 1} on top of the version it holds): the commit is in the table, but the writer's held state
   * of the table (its last version and txn versions) does not know it yet.
   */
  AFTER_COMMIT_FILE_WRITTEN,
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
