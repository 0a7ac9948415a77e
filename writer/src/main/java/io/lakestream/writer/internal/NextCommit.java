package io.lakestream.writer.internal;

import io.delta.storage.LogStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * An append to an existing table written straight to its log as version {@code N + 1}, without
 * reading the log: {@code commitInfo}, the files' {@code add} actions and one {@code txn} per route
 * and source partition ({@link Watermarks}), in one entry written with the log store's atomic
 * create (a hard link on local disk, a conditional put on S3), exactly as {@link FirstCommit}
 * writes version 0.
 *
 * <p>The caller must know that {@code N} is the table's latest version and what its {@code txn}
 * versions are at {@code N} (it wrote or read {@code N} itself): the atomic create then makes the
 * commit valid exactly when nobody committed since, because {@code N + 1} exists otherwise and the
 * write fails with {@link java.nio.file.FileAlreadyExistsException}, with nothing of this commit in
 * the table.
 */
final class NextCommit {
  private NextCommit() {}

  /**
   * Writes version {@code readVersion + 1}.
   *
   * @throws java.nio.file.FileAlreadyExistsException when that version exists: another writer or
   *     maintenance committed after {@code readVersion}
   * @throws IOException when storage fails; the outcome may be unknown
   */
  static void write(
      LogStore logStore,
      Configuration conf,
      Path tablePath,
      long readVersion,
      List<DataFile> files,
      Map<String, Long> txns,
      String engineInfo)
      throws IOException {
    long now = System.currentTimeMillis();
    List<String> actions = new ArrayList<>(files.size() + txns.size() + 1);
    actions.add(LogActions.commitInfo(now, readVersion, engineInfo));
    LogActions.addAppend(actions, files, txns, now);
    logStore.write(
        LogActions.commitFile(tablePath, readVersion + 1), actions.iterator(), false, conf);
  }
}
