package io.lakestream.writer.internal;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A Delta log store for local disk that is safe with several writers in one or more processes: a
 * commit file is written to a temporary file and then published with a hard link, which fails
 * atomically when the version exists ({@link FileAlreadyExistsException}). Delta's default for
 * {@code file:} checks and renames in two steps, so two writers could both create version N.
 */
public final class LocalAtomicLogStore extends HadoopFileSystemLogStore {
  public LocalAtomicLogStore(Configuration initHadoopConf) {
    super(initHadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration conf)
      throws IOException {
    java.nio.file.Path target = java.nio.file.Path.of(path.toUri());
    Files.createDirectories(target.getParent());
    java.nio.file.Path temp =
        target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        while (actions.hasNext()) {
          out.write(actions.next().getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
      }
      if (overwrite) {
        Files.move(
            temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.createLink(target, temp);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration conf) {
    return true;
  }
}
