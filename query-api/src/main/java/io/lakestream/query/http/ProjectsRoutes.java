package io.lakestream.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.lakestream.query.AccessPolicy.Principal;
import io.lakestream.query.ProjectRegistration;
import io.lakestream.query.ProjectRegistry;
import io.lakestream.query.QueryErrors;
import io.lakestream.query.QueryService;
import java.io.IOException;

/** {@code POST /register_project}: a project brings its own bucket (admin token). */
final class ProjectsRoutes {
  private final QueryService service;

  ProjectsRoutes(QueryService service) {
    this.service = service;
  }

  void register(Context ctx) {
    Principal principal = service.authenticate(ctx.header("Authorization"));
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
    ProjectRegistration registration =
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

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
