package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.storage.S3Settings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalWarehouseFileSystemTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void aLocalWarehouseWritesFilesWithTheirChecksumsAndModes() throws IOException {
    Warehouse warehouse = Warehouse.of(dir.toUri(), S3Settings.aws());
    Path table = warehouse.tablePath("acme", "events");
    FileSystem fs = table.getFileSystem(warehouse.hadoopConf());

    assertThat(fs).isInstanceOf(LocalWarehouseFileSystem.class);
    fs.mkdirs(table, new FsPermission((short) 0750));
    try (OutputStream out = fs.create(new Path(table, "part-0.parquet"))) {
      out.write(new byte[] {1, 2, 3});
    }
    fs.setPermission(new Path(table, "part-0.parquet"), new FsPermission((short) 0640));

    java.nio.file.Path folder = dir.resolve("projects/acme/events");
    assertThat(Files.readAllBytes(folder.resolve("part-0.parquet"))).containsExactly(1, 2, 3);
    assertThat(folder.resolve(".part-0.parquet.crc")).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
        .isEqualTo("rwxr-x---");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(folder.resolve("part-0.parquet"))))
        .isEqualTo("rw-r-----");
  }

  @Test
  void modesMapBitByBit() {
    assertThat(PosixFilePermissions.toString(LocalWarehouseFileSystem.posix((short) 0754)))
        .isEqualTo("rwxr-xr--");
    assertThat(LocalWarehouseFileSystem.posix((short) 0)).isEmpty();
  }
}
