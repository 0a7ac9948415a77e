package io.lakestream.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.lakestream.query.AccessPolicy.Principal;
import io.lakestream.query.QueryService;
import io.lakestream.query.SqlService;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.TableId;
import io.lakestream.schema.Column;
import io.lakestream.schema.SchemaException;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.AvroSchemas;
import io.lakestream.sql.SqlResult;
import java.util.List;
import java.util.Optional;

/**
 * SQL and table types: {@code POST /v1/sql}, {@code POST /v1/tables}, {@code GET /v1/tables},
 * {@code GET /v1/tables/{name}}, {@code DELETE /v1/tables/{name}}.
 */
final class SqlRoutes {
  private final QueryService query;
  private final SqlService sql;

  SqlRoutes(QueryService query, SqlService sql) {
    this.query = query;
    this.sql = sql;
  }

  /** {@code {"sql": "...", "project": "..."}} → {@code {"columns", "rows", "message", "count"}}. */
  void execute(Context ctx) {
    Principal principal = query.authenticate(ctx.header("Authorization"));
    JsonNode body = body(ctx);
    JsonNode statement = body.get("sql");
    if (statement == null || !statement.isTextual() || statement.asText().isBlank()) {
      throw QueryErrors.badSql("The body must be a JSON object with the statement in \"sql\".");
    }
    Optional<String> project =
        body.hasNonNull("project") ? Optional.of(body.get("project").asText()) : Optional.empty();
    SqlResult result = sql.run(principal, statement.asText(), project);
    ObjectNode answer = ErrorResponses.JSON.createObjectNode();
    ArrayNode columns = answer.putArray("columns");
    result.columns().forEach(columns::add);
    ArrayNode rows = answer.putArray("rows");
    for (List<Object> row : result.rows()) {
      ArrayNode values = rows.addArray();
      row.forEach(v -> values.add(ErrorResponses.JSON.valueToTree(v)));
    }
    answer.put("message", result.message());
    answer.put("count", result.count());
    TablesRoutes.json(ctx, answer);
  }

  /** A table definition in the YAML files' shape, as JSON. */
  void create(Context ctx) {
    Principal principal = query.authenticate(ctx.header("Authorization"));
    TableDefinition table;
    try {
      table = TableDefinitions.parse("request body", ctx.body());
    } catch (SchemaException e) {
      throw QueryErrors.badTableDefinition(e.getMessage());
    }
    sql.createTable(principal, table);
    ctx.status(201);
    TablesRoutes.json(ctx, describe(table, true));
  }

  void list(Context ctx) {
    query.authenticate(ctx.header("Authorization"));
    ObjectNode answer = ErrorResponses.JSON.createObjectNode();
    ArrayNode tables = answer.putArray("tables");
    sql.catalog().tables().values().forEach(t -> tables.add(describe(t, false)));
    TablesRoutes.json(ctx, answer);
  }

  void get(Context ctx) {
    query.authenticate(ctx.header("Authorization"));
    String name = ctx.pathParam("name");
    TableDefinition table =
        sql.catalog().table(name).orElseThrow(() -> QueryErrors.unknownTableType(name));
    TablesRoutes.json(ctx, describe(table, true));
  }

  /** Drops a table type; {@code ?purge=true} also deletes every project's data of it. */
  void drop(Context ctx) {
    Principal principal = query.authenticate(ctx.header("Authorization"));
    String name = ctx.pathParam("name");
    boolean purge = purge(ctx.queryParam("purge"));
    ObjectNode answer = ErrorResponses.JSON.createObjectNode();
    answer.put("dropped", name);
    if (purge) {
      List<TableId> purged = sql.purgeTable(principal, name);
      answer.put("data", "purged");
      ArrayNode tables = answer.putArray("purged_tables");
      purged.stream()
          .sorted()
          .forEach(
              id ->
                  tables.addObject().put("project_id", id.project()).put("table_name", id.table()));
    } else {
      sql.dropTable(principal, name);
      answer.put("data", "kept");
    }
    TablesRoutes.json(ctx, answer);
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

  private ObjectNode describe(TableDefinition table, boolean withAvro) {
    ObjectNode node = ErrorResponses.JSON.createObjectNode();
    node.put("name", table.name());
    node.put("description", table.description());
    node.put("primary_key", table.primaryKey());
    node.put("built_in", sql.catalog().isBuiltIn(table.name()));
    ArrayNode columns = node.putArray("columns");
    for (Column column : table.columns()) {
      ObjectNode c = columns.addObject();
      c.put("name", column.name());
      c.put("type", column.type().typeName());
      c.put("nullable", column.nullable());
      if (!column.doc().isEmpty()) {
        c.put("doc", column.doc());
      }
    }
    if (withAvro) {
      node.set("avro_schema", readTree(AvroSchemas.rowSchema(table).toString()));
      node.put("ingest_topic", io.lakestream.schema.Topics.ingest(table.name()));
    }
    return node;
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
