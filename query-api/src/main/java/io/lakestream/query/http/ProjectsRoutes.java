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
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/**
 * Projects: {@code POST /register_project} (a project brings its own bucket), and {@code POST, GET
 * /v1/projects}, {@code GET, DELETE /v1/projects/{project}} (registrations in the catalog; with
 * {@code projects.registration = required} only registered projects' rows are routed).
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

  /** {@code {"project_id": "acme"}}: registers a project of the shared warehouse (admin). */
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
    if (existing.isEmpty()) {
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
    ArrayNode tables = node.putArray("tables");
    service.tables().tablesOf(registration.projectId()).forEach(tables::add);
    return node;
  }

  private static QueryException notRegistered(String projectId) {
    return QueryErrors.unregisteredProject(projectId);
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
