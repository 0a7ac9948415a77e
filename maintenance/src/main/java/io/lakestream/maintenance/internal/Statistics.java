package io.lakestream.maintenance.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reads the AddFile statistics the writer wrote. */
final class Statistics {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Statistics() {}

  /** The {@code numRecords} of a stats JSON, or -1 when absent or unreadable. */
  static long numRecords(String stats) {
    if (stats == null || stats.isBlank()) {
      return -1;
    }
    try {
      JsonNode node = JSON.readTree(stats);
      if (node.isTextual()) {
        node = JSON.readTree(node.asText());
      }
      JsonNode rows = node.get("numRecords");
      return rows == null ? -1 : rows.asLong();
    } catch (IOException e) {
      return -1;
    }
  }
}
