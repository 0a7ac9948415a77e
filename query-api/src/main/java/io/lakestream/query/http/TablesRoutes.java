package io.lakestream.query.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.http.Context;
import io.lakestream.query.QueryConfig;
import io.lakestream.query.internal.AccessPolicy.Principal;
import io.lakestream.query.internal.ProjectService;
import io.lakestream.query.internal.QueryService;
import io.lakestream.reader.IndexedFile;
import io.lakestream.reader.Keys;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.schema.ColumnType;
import io.lakestream.tables.TableRegistry.TableStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Table metadata: {@code GET /v1/projects/{p}/tables/{t}} and {@code GET /list_tables}. */
final class TablesRoutes {
  private final QueryService service;
  private final ProjectService projects;
  private final QueryConfig config;

  TablesRoutes(QueryService service, ProjectService projects, QueryConfig config) {
    this.service = service;
    this.projects = projects;
    this.config = config;
  }

  /** A table by project and type, as {@code /list_tables} and purges list them. */
  record TableName(
      @JsonProperty("project_id") String projectId, @JsonProperty("table_name") String tableName) {
    static TableName of(TableId id) {
      return new TableName(id.project(), id.table());
    }
  }

  /** The answer of {@code GET /list_tables}. */
  record TableList(List<TableName> tables) {}

  /**
   * The answer of {@code GET /v1/projects/{p}/tables/{t}}; a field without a value is left out (the
   * index's fields before the table is loaded, the key range of a table without files, ...).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record TableStatusAnswer(
      String projectId,
      String tableName,
      @JsonInclude(JsonInclude.Include.ALWAYS) String location,
      boolean loaded,
      boolean caughtUp,
      boolean stale,
      String lastPollAt,
      String lastAnnouncementAt,
      String lastCompaction,
      String lastError,
      String primaryKey,
      String keyType,
      Long deltaVersion,
      Integer files,
      Long rows,
      Long indexBytes,
      Long modelsBuilt,
      Long filesNotSorted,
      String lastCommitAt,
      Long freshnessLagMs,
      Object minKey,
      Object maxKey,
      String minKeyIso,
      String maxKeyIso,
      Long maxKeyLagMs,
      Long smallFiles,
      String retention,
      String retentionSource,
      Integer tailRows,
      Long tailLagMs) {}

  void list(Context ctx) {
    Principal principal = HttpApi.caller(ctx);
    ctx.json(new TableList(projects.tables(principal).stream().map(TableName::of).toList()));
  }

  void status(Context ctx) {
    Principal principal = HttpApi.caller(ctx);
    TableStatus status =
        service.status(principal, ctx.pathParam("project"), ctx.pathParam("table"));
    long now = service.nowMillis();
    Optional<TableSnapshot> snapshot = status.snapshot();
    Optional<ColumnType> keyType = snapshot.map(s -> s.definition().primaryKeyColumn().type());
    Optional<TableSnapshot> withFiles = snapshot.filter(s -> s.fileCount() > 0);
    Optional<TableSnapshot> committed = snapshot.filter(s -> s.commitTimestampMillis() > 0);
    Optional<TableSnapshot> timeKeys =
        withFiles.filter(s -> keyType.orElseThrow() == ColumnType.TIMESTAMP);
    OptionalLong tailLag = service.tailLagMillis(status.id().table());
    long small = config.smallFileBytes();
    Optional<Duration> ownRetention =
        projects.ownRetention(status.id().project(), status.id().table());
    Optional<Duration> retention =
        ownRetention.isPresent() ? ownRetention : snapshot.flatMap(s -> s.definition().retention());
    ctx.json(
        new TableStatusAnswer(
            status.id().project(),
            status.id().table(),
            status.location(),
            snapshot.isPresent(),
            status.caughtUp(),
            status.stale(),
            instant(status.lastPollMillis()),
            instant(status.lastAnnouncementMillis()),
            instant(status.lastCompactionMillis()),
            status.lastError().orElse(null),
            snapshot.map(s -> s.definition().primaryKey()).orElse(null),
            keyType.map(ColumnType::typeName).orElse(null),
            snapshot.map(TableSnapshot::version).orElse(null),
            snapshot.map(TableSnapshot::fileCount).orElse(null),
            snapshot.map(TableSnapshot::rows).orElse(null),
            snapshot.map(TableSnapshot::indexBytes).orElse(null),
            snapshot
                .map(s -> s.files().stream().filter(IndexedFile::modelBuilt).count())
                .orElse(null),
            snapshot.map(s -> s.files().stream().filter(f -> !f.sorted()).count()).orElse(null),
            committed.map(s -> instant(s.commitTimestampMillis())).orElse(null),
            committed.map(s -> Math.max(0, now - s.commitTimestampMillis())).orElse(null),
            withFiles.map(s -> Keys.value(keyType.orElseThrow(), s.minKey())).orElse(null),
            withFiles.map(s -> Keys.value(keyType.orElseThrow(), s.maxKey())).orElse(null),
            timeKeys.map(s -> Keys.isoTimestamp(s.minKey())).orElse(null),
            timeKeys.map(s -> Keys.isoTimestamp(s.maxKey())).orElse(null),
            timeKeys.map(s -> now - Math.floorDiv(s.maxKey(), 1000L)).orElse(null),
            snapshot
                .map(s -> s.files().stream().filter(f -> f.sizeBytes() < small).count())
                .orElse(null),
            snapshot.flatMap(s -> retention).map(SqlRoutes::retention).orElse(null),
            snapshot
                .flatMap(s -> retention)
                .map(r -> ownRetention.isPresent() ? "project" : "table_type")
                .orElse(null),
            tailLag.isPresent() ? snapshot.map(s -> s.tail().size()).orElse(0) : null,
            tailLag.isPresent() ? tailLag.getAsLong() : null));
  }

  /** A time in ms since the epoch as ISO-8601; null for none (0). */
  private static String instant(long millis) {
    return millis > 0 ? Instant.ofEpochMilli(millis).toString() : null;
  }
}
