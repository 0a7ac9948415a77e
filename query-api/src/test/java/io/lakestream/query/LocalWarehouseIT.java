package io.lakestream.query;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link WarehouseContract} on a {@code file://} warehouse. */
class LocalWarehouseIT extends WarehouseContract {
  @TempDir Path warehouse;

  @Override
  QueryConfig.Builder warehouse() {
    return QueryConfig.builder().warehouse(warehouse.toUri());
  }

  @Override
  int rowsPerFile() {
    return 600;
  }
}
