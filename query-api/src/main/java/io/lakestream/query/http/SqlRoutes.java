package io.lakestream.query.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.lakestream.query.internal.AccessPolicy.Principal;
import io.lakestream.query.internal.SqlService;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.RowFormat;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TimestampStyle;
import io.lakestream.schema.Column;
import io.lakestream.schema.SchemaException;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.sql.QueryResult;
import io.lakestream.sql.ResultBatches;
import io.lakestream.sql.SqlException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQL and table types: {@code POST /v1/sql}, {@code POST /v1/tables}, {@code GET /v1/tables},
 * {@code GET /v1/tables/{name}}, {@code DELETE /v1/tables/{name}}.
 */
final class SqlRoutes {
  private static final Logger log = LoggerFactory.getLogger(SqlRoutes.class);

  /** The fields of {@code POST /v1/sql}'s body. */
  static final BodyFields STATEMENT_FIELDS = BodyFields.of("sql", "project");

  /**
   * The fields of {@code POST /v1/tables}'s body: a table definition in the YAML files' shape
   * ({@link TableDefinitions#parse}), and those of each of its columns.
   */
  static final BodyFields TABLE_TYPE_FIELDS =
      BodyFields.of(TableDefinitions.TABLE_KEYS.toArray(String[]::new))
          .with("columns", BodyFields.of(TableDefinitions.COLUMN_KEYS.toArray(String[]::new)));

  /** The most rows in one record batch of an Arrow answer. */
  static final int ARROW_BATCH_ROWS = 8_192;

  private final SqlService sql;

  SqlRoutes(SqlService sql) {
    this.sql = sql;
  }

  /**
   * {@code {"sql": "...", "project": "..."}} → the result in the negotiated format (JSON {@code
   * {"columns", "types", "rows", "message", "count"}}, NDJSON, CSV, or an Arrow IPC stream for
   * queries), streamed as the engine produces it.
   *
   * <p>A statement that fails before its first row (or first batch) is answered with its JSON
   * error; one that fails after the body began cannot change the status any more, so the connection
   * is aborted: the body ends without its HTTP end (no last chunk) and, in Arrow, without the
   * stream's end-of-stream marker, so that no client takes it for a complete result.
   */
  void execute(Context ctx) throws IOException {
    Principal principal = HttpApi.caller(ctx);
    RowFormat format = RowFormat.negotiate(ctx.queryParam("format"), ctx.header("Accept"));
    TimestampStyle timestamps = TimestampStyle.of(ctx.queryParam("timestamps"), format);
    JsonNode body = body(ctx);
    JsonNode statement = body.get("sql");
    if (statement == null || !statement.isTextual() || statement.asText().isBlank()) {
      throw QueryErrors.badSql("The body must be a JSON object with the statement in \"sql\".");
    }
    Optional<String> project =
        body.hasNonNull("project") ? Optional.of(body.get("project").asText()) : Optional.empty();
    if (format == RowFormat.ARROW) {
      if (!sql.returnsRows(statement.asText(), project)) {
        throw QueryErrors.unsupportedFormat(
            "arrow",
            "an Arrow stream carries the rows of a query (SELECT, WITH, VALUES, SHOW, DESCRIBE),"
                + " and INSERT, CREATE TABLE and DROP TABLE answer a message and a count.",
            List.of("json (application/json)", "ndjson (application/x-ndjson)", "csv (text/csv)"));
      }
      try (QueryResult result = sql.run(principal, statement.asText(), project)) {
        arrow(ctx, result);
      }
      return;
    }
    try (QueryResult result = sql.run(principal, statement.asText(), project)) {
      Optional<ResultBatches> batches = textBatches(result);
      if (batches.isPresent()) {
        try (ResultBatches open = batches.get()) {
          boolean first = open.next(); // a statement failing at once still gets its error status
          Body out = startText(ctx, format);
          try {
            new SqlBatchWriter(open, result.columns(), timestamps).write(format, first, out);
          } catch (EofException e) {
            log.debug("POST /v1/sql: the client went away");
          } catch (IOException | RuntimeException e) {
            abort(ctx, out, e);
          }
        }
        return;
      }
      boolean first = result.next(); // a statement failing at once still gets its error status
      Body out = startText(ctx, format);
      try {
        new SqlResultWriter(result, timestamps).write(format, first, out);
      } catch (EofException e) {
        log.debug("POST /v1/sql: the client went away");
      } catch (IOException | RuntimeException e) {
        abort(ctx, out, e);
      }
    }
  }

  /**
   * The result as Arrow batches for a JSON, NDJSON or CSV answer, when the engine gives them and
   * {@link SqlBatchWriter} writes every column's type; else empty, and the result is written row by
   * row ({@link SqlResultWriter}: statements without rows, answers held in memory, other types).
   */
  private static Optional<ResultBatches> textBatches(QueryResult result) {
    if (!SqlBatchWriter.writes(result.columns())) {
      return Optional.empty();
    }
    try {
      return Optional.of(result.batches(SqlBatchWriter.BATCH_ROWS));
    } catch (UnsupportedOperationException e) {
      return Optional.empty(); // rows held in memory
    }
  }

  private static Body startText(Context ctx, RowFormat format) throws IOException {
    HttpServletResponse response = ctx.res();
    response.setStatus(200);
    response.setContentType(format.mediaType() + "; charset=utf-8");
    return new Body(response.getOutputStream());
  }

  /**
   * A query's result as an Arrow IPC stream: the schema, then one record batch of at most {@link
   * #ARROW_BATCH_ROWS} rows as the engine produces it, each flushed, then the end-of-stream marker.
   * The first batch is fetched before the status is sent, so that a statement failing at once gets
   * its JSON error; a result without rows is the schema alone.
   */
  private static void arrow(Context ctx, QueryResult result) throws IOException {
    try (ResultBatches batches = result.batches(ARROW_BATCH_ROWS)) {
      boolean more = batches.next();
      HttpServletResponse response = ctx.res();
      response.setStatus(200);
      response.setContentType(RowFormat.ARROW.mediaType());
      Body body = new Body(response.getOutputStream());
      ArrowStreamWriter writer = new ArrowStreamWriter(batches.batch(), batches, body);
      try {
        writer.start();
        for (; more; more = batches.next()) {
          writer.writeBatch();
          body.flush();
        }
        writer.end();
      } catch (EofException e) {
        body.cut();
        log.debug("POST /v1/sql: the client went away");
      } catch (IOException | RuntimeException e) {
        abort(ctx, body, e);
      } finally {
        writer.close(); // frees its copies of dictionaries; after a cut it writes nothing
      }
    }
  }

  /**
   * Ends a response whose statement failed after its body began: the status (200) was sent, so
   * nothing more is written (no closing bracket, no Arrow end-of-stream marker) and the connection
   * is aborted, leaving the body visibly incomplete (no last chunk); the failure is logged.
   */
  private static void abort(Context ctx, Body body, Exception failure) {
    body.cut();
    if (failure instanceof SqlException) {
      log.warn("SQL statement failed while streaming its rows: {}", failure.getMessage());
    } else {
      log.error("POST /v1/sql failed while streaming its rows", failure);
    }
    ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel().abort(failure);
  }

  /**
   * The response body as the writers see it: closing it does not end the response (Jetty ends it
   * after the handler, unless it was aborted), and once cut it takes no more bytes.
   */
  private static final class Body extends FilterOutputStream {
    private boolean cut;

    Body(OutputStream out) {
      super(out);
    }

    void cut() {
      cut = true;
    }

    @Override
    public void write(int b) throws IOException {
      if (!cut) {
        out.write(b);
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (!cut) {
        out.write(bytes, offset, length);
      }
    }

    @Override
    public void flush() throws IOException {
      if (!cut) {
        out.flush();
      }
    }

    @Override
    public void close() {}
  }

  /**
   * A table definition in the YAML files' shape, as JSON or as the YAML of a table file: either way
   * a key the definition does not take is refused (JSON by the route's body fields, YAML by {@link
   * TableDefinitions#parse}, which refuses it in table files too).
   */
  void create(Context ctx) {
    Principal principal = HttpApi.caller(ctx);
    TableDefinition table;
    try {
      table = TableDefinitions.parse("request body", ctx.body());
    } catch (SchemaException e) {
      throw QueryErrors.badTableDefinition(e.getMessage());
    }
    sql.createTable(principal, table);
    ctx.status(201);
    ctx.json(describe(table, true));
  }

  void list(Context ctx) {
    ctx.json(new TableTypeList(sql.tableTypes().stream().map(t -> describe(t, false)).toList()));
  }

  void get(Context ctx) {
    String name = ctx.pathParam("name");
    TableDefinition table =
        sql.tableType(name).orElseThrow(() -> QueryErrors.unknownTableType(name));
    ctx.json(describe(table, true));
  }

  /** Drops a table type; {@code ?purge=true} also deletes every project's data of it. */
  void drop(Context ctx) {
    Principal principal = HttpApi.caller(ctx);
    String name = ctx.pathParam("name");
    if (purge(ctx.queryParam("purge"))) {
      List<TableId> purged = sql.purgeTable(principal, name);
      ctx.json(
          new Dropped(
              name, "purged", purged.stream().sorted().map(TablesRoutes.TableName::of).toList()));
    } else {
      sql.dropTable(principal, name);
      ctx.json(new Dropped(name, "kept", null));
    }
  }

  private static boolean purge(String value) {
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true") || value.isEmpty()) {
      return true;
    }
    throw QueryErrors.badParameter("purge", value, "true or false");
  }

  /**
   * A table type as {@code /v1/tables} describes it; the Avro schema and ingest topic in the
   * answers about one type.
   */
  record TableType(
      String name,
      String description,
      @JsonProperty("primary_key") String primaryKey,
      @JsonProperty("built_in") boolean builtIn,
      @JsonInclude(JsonInclude.Include.NON_NULL) String retention,
      List<TableColumn> columns,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("avro_schema") JsonNode avroSchema,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("ingest_topic")
          String ingestTopic) {}

  /** A column of a table type; {@code doc} only when it has one. */
  record TableColumn(
      String name,
      String type,
      boolean nullable,
      @JsonInclude(JsonInclude.Include.NON_NULL) String doc) {}

  /** The answer of {@code GET /v1/tables}. */
  record TableTypeList(List<TableType> tables) {}

  /** The answer of {@code DELETE /v1/tables/{name}}; the purged tables with {@code ?purge=true}. */
  record Dropped(
      String dropped,
      String data,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("purged_tables")
          List<TablesRoutes.TableName> purgedTables) {}

  private TableType describe(TableDefinition table, boolean withAvro) {
    List<TableColumn> columns = new ArrayList<>();
    for (Column column : table.columns()) {
      columns.add(
          new TableColumn(
              column.name(),
              column.type().typeName(),
              column.nullable(),
              column.doc().isEmpty() ? null : column.doc()));
    }
    return new TableType(
        table.name(),
        table.description(),
        table.primaryKey(),
        sql.isBuiltIn(table.name()),
        table.retention().map(SqlRoutes::retention).orElse(null),
        columns,
        withAvro ? readTree(AvroSchemas.rowSchema(table).toString()) : null,
        withAvro ? io.lakestream.schema.Topics.ingest(table.name()) : null);
  }

  /** A retention as a table type declares it: whole days, hours or minutes ({@code 30d}). */
  static String retention(java.time.Duration retention) {
    long minutes = retention.toMinutes();
    if (minutes % (24 * 60) == 0) {
      return retention.toDays() + "d";
    }
    return minutes % 60 == 0 ? retention.toHours() + "h" : minutes + "m";
  }

  private static JsonNode body(Context ctx) {
    JsonNode body = readTree(ctx.body());
    if (body == null || !body.isObject()) {
      throw QueryErrors.badSql("The body must be a JSON object with the statement in \"sql\".");
    }
    return body;
  }

  private static JsonNode readTree(String text) {
    try {
      return ErrorResponses.JSON.readTree(text);
    } catch (Exception e) {
      throw QueryErrors.badSql(
          "The body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
