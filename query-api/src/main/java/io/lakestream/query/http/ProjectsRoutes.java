package io.lakestream.query.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.lakestream.catalog.ProjectRegistration;
import io.lakestream.query.internal.ProjectRegistry;
import io.lakestream.query.internal.ProjectService;
import io.lakestream.query.spi.BucketRegistration;
import io.lakestream.reader.QueryErrors;
import io.lakestream.schema.TableDefinitions;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Projects: {@code POST /register_project} (a project brings its own bucket), and {@code POST, GET
 * /v1/projects}, {@code GET, DELETE /v1/projects/{project}} (registrations in the catalog; with
 * {@code projects.registration = required} only registered projects' rows are routed; a
 * registration may carry the project's own retention per table type). Each parses, calls {@link
 * ProjectService}, and answers a record through Javalin's JSON mapper.
 */
final class ProjectsRoutes {
  /** The fields of {@code POST /register_project}'s body. */
  static final BodyFields BUCKET_REGISTRATION_FIELDS =
      BodyFields.of(
          "project_id", "bucket", "access_key", "secret_key", "endpoint", "table_name", "region");

  /** The fields of {@code POST /v1/projects}'s body. */
  static final BodyFields REGISTRATION_FIELDS =
      BodyFields.of("project_id", "retention")
          .hint(
              "POST /v1/projects registers a project of the shared warehouse; a project with its"
                  + " own bucket registers through POST /register_project.");

  private final ProjectService projects;

  ProjectsRoutes(ProjectService projects) {
    this.projects = projects;
  }

  /** The answer of {@code POST /register_project}. */
  record BucketRegistered(
      @JsonProperty("project_id") String projectId,
      String bucket,
      String endpoint,
      String region,
      @JsonProperty("table_name") String tableName,
      List<String> tables,
      boolean registered) {}

  /** A project as {@code /v1/projects} describes it; never its credentials. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ProjectAnswer(
      @JsonProperty("project_id") String projectId,
      String storage,
      String bucket,
      String endpoint,
      String region,
      @JsonProperty("registered_at") String registeredAt,
      Map<String, String> retention,
      List<String> tables) {
    static ProjectAnswer of(ProjectService.Project project) {
      ProjectRegistration registration = project.registration();
      return new ProjectAnswer(
          registration.projectId(),
          registration.bucket().isPresent() ? "own_bucket" : "shared",
          registration.bucket().orElse(null),
          registration.endpoint().orElse(null),
          registration.region().orElse(null),
          registration.registeredAt().toString(),
          retention(registration),
          project.tables());
    }

    /** The project's own retention by table type, as the user writes it ({@code 7d}). */
    private static Map<String, String> retention(ProjectRegistration registration) {
      Map<String, String> own = new TreeMap<>();
      registration
          .retention()
          .forEach((table, keep) -> own.put(table, TableDefinitions.formatRetention(keep)));
      return own;
    }
  }

  /** The answer of {@code GET /v1/projects}. */
  record ProjectList(List<ProjectAnswer> projects) {}

  /** The answer of {@code DELETE /v1/projects/{project}}. */
  record Unregistered(String unregistered, String data) {}

  void register(Context ctx) {
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
        projects.registerBucket(
            HttpApi.caller(ctx),
            new ProjectRegistry.Request(
                text(body, "project_id"),
                text(body, "bucket"),
                text(body, "access_key"),
                text(body, "secret_key"),
                text(body, "endpoint"),
                text(body, "table_name"),
                text(body, "region")));
    ctx.status(201);
    ctx.json(
        new BucketRegistered(
            registration.projectId(),
            registration.bucket(),
            registration.endpoint(),
            registration.region(),
            text(body, "table_name").strip(),
            registration.tables().stream().sorted().toList(),
            true));
  }

  /**
   * {@code {"project_id": "acme"}}: registers a project of the shared warehouse (admin). With
   * {@code "retention": {"otel_logs_and_spans": "7d"}} it also sets the project's own retention of
   * those table types (null: back to the type's), registered or not.
   */
  void create(Context ctx) {
    JsonNode body;
    try {
      body = ErrorResponses.JSON.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      body = null;
    }
    ProjectService.Registered registered =
        projects.register(HttpApi.caller(ctx), projectId(body), retention(body));
    ctx.status(registered.created() ? 201 : 200);
    ctx.json(ProjectAnswer.of(registered.project()));
  }

  /** Every registered project the token may read. */
  void list(Context ctx) {
    ctx.json(
        new ProjectList(
            projects.projects(HttpApi.caller(ctx)).stream().map(ProjectAnswer::of).toList()));
  }

  void get(Context ctx) {
    ctx.json(ProjectAnswer.of(projects.project(HttpApi.caller(ctx), ctx.pathParam("project"))));
  }

  /** Removes a registration (admin); the project's data stays. */
  void delete(Context ctx) {
    String projectId = ctx.pathParam("project");
    projects.unregister(HttpApi.caller(ctx), projectId);
    ctx.json(new Unregistered(projectId, "kept"));
  }

  /** The body's project id; null when it names none (the service says what is missing). */
  private static String projectId(JsonNode body) {
    return body != null && body.isObject() && body.path("project_id").isTextual()
        ? body.get("project_id").asText()
        : null;
  }

  /**
   * The body's {@code "retention": {"table type": "7d" or null, …}} as the catalog takes it; empty
   * when the body sets none.
   */
  private static Optional<Map<String, String>> retention(JsonNode body) {
    if (body == null || !body.isObject() || !body.has("retention")) {
      return Optional.empty();
    }
    JsonNode retention = body.get("retention");
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
    return Optional.of(changes);
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
