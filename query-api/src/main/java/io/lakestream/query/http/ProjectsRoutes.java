package io.lakestream.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.ProjectRegistration;
import io.lakestream.query.AccessPolicy.Principal;
import io.lakestream.query.BucketRegistration;
import io.lakestream.query.ProjectRegistry;
import io.lakestream.query.QueryService;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import io.lakestream.schema.TableDefinitions;
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Projects: {@code POST /register_project} (a project brings its own bucket), and {@code POST, GET
 * /v1/projects}, {@code GET, DELETE /v1/projects/{project}} (registrations in the catalog; with
 * {@code projects.registration = required} only registered projects' rows are routed; a
 * registration may carry the project's own retention per table type).
 */
final class ProjectsRoutes {
  private final QueryService service;

  ProjectsRoutes(QueryService service) {
    this.service = service;
  }

  void register(Context ctx) {
    Principal principal = HttpApi.caller(ctx);
    JsonNode body;
    try {
      body = ErrorResponses.JSON.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw QueryErrors.badRegistration("the body is not JSON");
    }
    if (body == null || !body.isObject()) {
      throw QueryErrors.badRegistration(
          "the body must be a JSON object with project_id, bucket, access_key, secret_key,"
              + " endpoint and table_name");
    }
    BucketRegistration registration =
        service.register(
            principal,
            new ProjectRegistry.Request(
                text(body, "project_id"),
                text(body, "bucket"),
                text(body, "access_key"),
                text(body, "secret_key"),
                text(body, "endpoint"),
                text(body, "table_name"),
                text(body, "region")));
    ObjectNode answer = ErrorResponses.JSON.createObjectNode();
    answer.put("project_id", registration.projectId());
    answer.put("bucket", registration.bucket());
    answer.put("endpoint", registration.endpoint());
    answer.put("region", registration.region());
    answer.put("table_name", text(body, "table_name").strip());
    registration.tables().stream().sorted().forEach(answer.putArray("tables")::add);
    answer.put("registered", true);
    ctx.status(201);
    TablesRoutes.json(ctx, answer);
  }

  /**
   * {@code {"project_id": "acme"}}: registers a project of the shared warehouse (admin). With
   * {@code "retention": {"otel_logs_and_spans": "7d"}} it also sets the project's own retention of
   * those table types (null: back to the type's), registered or not.
   */
  void create(Context ctx) {
    Principal principal = HttpApi.caller(ctx);
    service.access().checkAdmin(principal, "register projects");
    JsonNode body;
    try {
      body = ErrorResponses.JSON.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.isObject() || !body.path("project_id").isTextual()) {
      throw QueryErrors.badRegistration(
          "the body must be a JSON object with project_id, e.g. {\"project_id\": \"acme\"}");
    }
    String projectId = body.get("project_id").asText();
    Catalog catalog = service.sql().catalog();
    Optional<ProjectRegistration> existing = catalog.project(projectId);
    if (body.has("retention")) {
      catalog.overrideRetention(
          projectId, retention(body.get("retention")), Instant.ofEpochMilli(service.nowMillis()));
    } else if (existing.isEmpty()) {
      // an invalid id is the catalog's BAD_REQUEST: 400 saying what a project id is
      catalog.registerProject(
          ProjectRegistration.shared(projectId, Instant.ofEpochMilli(service.nowMillis())));
    }
    ctx.status(existing.isEmpty() ? 201 : 200);
    TablesRoutes.json(ctx, describe(catalog.project(projectId).orElseThrow()));
  }

  /** Every registered project the token may read. */
  void list(Context ctx) {
    Principal principal = HttpApi.caller(ctx);
    ObjectNode answer = ErrorResponses.JSON.createObjectNode();
    ArrayNode projects = answer.putArray("projects");
    service.sql().catalog().projects().values().stream()
        .filter(p -> principal.mayRead(p.projectId()))
        .sorted(Comparator.comparing(ProjectRegistration::projectId))
        .forEach(p -> projects.add(describe(p)));
    TablesRoutes.json(ctx, answer);
  }

  void get(Context ctx) {
    Principal principal = HttpApi.caller(ctx);
    String projectId = ctx.pathParam("project");
    service.access().checkProject(principal, projectId);
    ProjectRegistration registration =
        service.sql().catalog().project(projectId).orElseThrow(() -> notRegistered(projectId));
    TablesRoutes.json(ctx, describe(registration));
  }

  /** Removes a registration (admin); the project's data stays. */
  void delete(Context ctx) {
    Principal principal = HttpApi.caller(ctx);
    service.access().checkAdmin(principal, "unregister projects");
    String projectId = ctx.pathParam("project");
    Catalog catalog = service.sql().catalog();
    if (catalog.project(projectId).isEmpty()) {
      throw notRegistered(projectId);
    }
    catalog.unregisterProject(projectId);
    ObjectNode answer = ErrorResponses.JSON.createObjectNode();
    answer.put("unregistered", projectId);
    answer.put("data", "kept");
    TablesRoutes.json(ctx, answer);
  }

  private ObjectNode describe(ProjectRegistration registration) {
    ObjectNode node = ErrorResponses.JSON.createObjectNode();
    node.put("project_id", registration.projectId());
    node.put("storage", registration.bucket().isPresent() ? "own_bucket" : "shared");
    registration.bucket().ifPresent(b -> node.put("bucket", b));
    registration.endpoint().ifPresent(e -> node.put("endpoint", e));
    registration.region().ifPresent(r -> node.put("region", r));
    node.put("registered_at", registration.registeredAt().toString());
    ObjectNode retention = node.putObject("retention");
    registration
        .retention()
        .forEach((table, keep) -> retention.put(table, TableDefinitions.formatRetention(keep)));
    ArrayNode tables = node.putArray("tables");
    service.tables().tablesOf(registration.projectId()).forEach(tables::add);
    return node;
  }

  /** {@code {"table type": "7d" or null, …}} as the catalog takes it. */
  private static Map<String, String> retention(JsonNode retention) {
    if (!retention.isObject()) {
      throw QueryErrors.badRegistration(
          "retention must be a JSON object of table types and durations, e.g. {\"retention\":"
              + " {\"otel_logs_and_spans\": \"7d\"}}");
    }
    Map<String, String> changes = new LinkedHashMap<>();
    retention
        .fields()
        .forEachRemaining(
            entry -> {
              JsonNode value = entry.getValue();
              if (!value.isNull() && !value.isTextual()) {
                throw QueryErrors.badRegistration(
                    "the retention of '"
                        + entry.getKey()
                        + "' must be a duration in quotes such as \"7d\", \"12h\" or \"90m\","
                        + " or null for the table type's own, not "
                        + value);
              }
              changes.put(entry.getKey(), value.isNull() ? null : value.asText());
            });
    return changes;
  }

  private static QueryException notRegistered(String projectId) {
    return QueryErrors.unregisteredProject(projectId);
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
