package io.lakestream.query.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.lakestream.query.AccessPolicy.Principal;
import io.lakestream.query.QueryService;
import io.lakestream.reader.IndexedFile;
import io.lakestream.reader.Keys;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.schema.ColumnType;
import io.lakestream.tables.TableRegistry.TableStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Table metadata: {@code GET /v1/projects/{p}/tables/{t}} and {@code GET /list_tables}. */
final class TablesRoutes {
  private final QueryService service;

  TablesRoutes(QueryService service) {
    this.service = service;
  }

  void list(Context ctx) {
    Principal principal = HttpApi.caller(ctx);
    ObjectNode body = ErrorResponses.JSON.createObjectNode();
    ArrayNode tables = body.putArray("tables");
    for (TableId id : service.listTables(principal)) {
      tables.addObject().put("project_id", id.project()).put("table_name", id.table());
    }
    json(ctx, body);
  }

  void status(Context ctx) {
    Principal principal = HttpApi.caller(ctx);
    TableStatus status =
        service.status(principal, ctx.pathParam("project"), ctx.pathParam("table"));
    long now = service.nowMillis();
    ObjectNode body = ErrorResponses.JSON.createObjectNode();
    body.put("project_id", status.id().project());
    body.put("table_name", status.id().table());
    body.put("location", status.location());
    body.put("loaded", status.snapshot().isPresent());
    body.put("caught_up", status.caughtUp());
    body.put("stale", status.stale());
    if (status.lastPollMillis() > 0) {
      body.put("last_poll_at", Instant.ofEpochMilli(status.lastPollMillis()).toString());
    }
    if (status.lastAnnouncementMillis() > 0) {
      body.put(
          "last_announcement_at", Instant.ofEpochMilli(status.lastAnnouncementMillis()).toString());
    }
    if (status.lastCompactionMillis() > 0) {
      body.put("last_compaction", Instant.ofEpochMilli(status.lastCompactionMillis()).toString());
    }
    status.lastError().ifPresent(error -> body.put("last_error", error));
    status
        .snapshot()
        .ifPresent(
            snapshot -> {
              describe(body, snapshot, now);
              long small = service.config().smallFileBytes();
              body.put(
                  "small_files",
                  snapshot.files().stream().filter(f -> f.sizeBytes() < small).count());
              Optional<Duration> own =
                  service
                      .sql()
                      .catalog()
                      .project(status.id().project())
                      .flatMap(p -> p.retention(status.id().table()));
              if (own.isPresent()) {
                body.put("retention", SqlRoutes.retention(own.get()));
                body.put("retention_source", "project");
              } else {
                snapshot
                    .definition()
                    .retention()
                    .ifPresent(
                        retention -> {
                          body.put("retention", SqlRoutes.retention(retention));
                          body.put("retention_source", "table_type");
                        });
              }
            });
    service
        .tailLagMillis(status.id().table())
        .ifPresent(
            lag -> {
              body.put("tail_rows", status.snapshot().map(s -> s.tail().size()).orElse(0));
              body.put("tail_lag_ms", lag);
            });
    json(ctx, body);
  }

  private static void describe(ObjectNode body, TableSnapshot snapshot, long now) {
    ColumnType keyType = snapshot.definition().primaryKeyColumn().type();
    body.put("primary_key", snapshot.definition().primaryKey());
    body.put("key_type", keyType.typeName());
    body.put("delta_version", snapshot.version());
    body.put("files", snapshot.fileCount());
    body.put("rows", snapshot.rows());
    body.put("index_bytes", snapshot.indexBytes());
    body.put("models_built", snapshot.files().stream().filter(IndexedFile::modelBuilt).count());
    body.put("files_not_sorted", snapshot.files().stream().filter(f -> !f.sorted()).count());
    if (snapshot.commitTimestampMillis() > 0) {
      body.put("last_commit_at", Instant.ofEpochMilli(snapshot.commitTimestampMillis()).toString());
      body.put("freshness_lag_ms", Math.max(0, now - snapshot.commitTimestampMillis()));
    }
    if (snapshot.fileCount() > 0) {
      body.putPOJO("min_key", Keys.value(keyType, snapshot.minKey()));
      body.putPOJO("max_key", Keys.value(keyType, snapshot.maxKey()));
      if (keyType == ColumnType.TIMESTAMP) {
        body.put("min_key_iso", Keys.isoTimestamp(snapshot.minKey()));
        body.put("max_key_iso", Keys.isoTimestamp(snapshot.maxKey()));
        body.put("max_key_lag_ms", now - Math.floorDiv(snapshot.maxKey(), 1000L));
      }
    }
  }

  static void json(Context ctx, ObjectNode body) {
    ctx.contentType("application/json");
    ctx.result(body.toString());
  }
}
