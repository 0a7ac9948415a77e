package io.lakestream.writer.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The checksummed local file system of a {@code file:} warehouse, setting permissions with a system
 * call instead of a forked {@code chmod}.
 *
 * <p>Without Hadoop's native library (not shipped), {@link RawLocalFileSystem} sets the permission
 * of every directory and file it creates by starting a {@code chmod} process: a Parquet file, its
 * {@code .crc}, a new table's folders. Forking from a large JVM on a loaded machine took tens to
 * hundreds of milliseconds each and was most of a local commit's time (a new table's first commit
 * took about 330 ms on a loaded 2-core machine). The files, their modes and the {@code .crc} side
 * files are the same as before.
 */
public final class LocalWarehouseFileSystem extends LocalFileSystem {
  public LocalWarehouseFileSystem() {
    super(new NioPermissions());
  }

  /** {@link RawLocalFileSystem} with {@link #setPermission} through {@code java.nio}. */
  static final class NioPermissions extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      java.nio.file.Path file = pathToFile(p).toPath();
      try {
        Files.setPosixFilePermissions(file, posix(permission.toShort()));
      } catch (UnsupportedOperationException e) {
        super.setPermission(p, permission); // not a POSIX file system
      }
    }
  }

  /** The POSIX permissions of a mode's lower nine bits ({@code rwxrwxrwx}). */
  static Set<PosixFilePermission> posix(short mode) {
    PosixFilePermission[] byBit = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < byBit.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        permissions.add(byBit[bit]);
      }
    }
    return permissions;
  }
}
