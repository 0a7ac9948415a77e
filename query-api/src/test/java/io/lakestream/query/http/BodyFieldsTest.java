package io.lakestream.query.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.reader.QueryException;
import io.lakestream.schema.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BodyFieldsTest {
  private static final BodyFields TABLE =
      BodyFields.of("name", "columns", "options")
          .with("columns", BodyFields.of("name", "type"))
          .with("options", BodyFields.of("compress"));

  private static JsonNode json(String text) throws Exception {
    return ErrorResponses.JSON.readTree(text);
  }

  @Test
  void aBodyOfTheDeclaredFieldsPasses() throws Exception {
    TABLE.check(
        "POST /t",
        json(
            "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"long\"}],"
                + "\"options\":{\"compress\":true}}"));
    // what the fields hold, and a body that is not an object, are the route's to check
    TABLE.check("POST /t", json("{\"name\":{\"any\":1},\"columns\":[\"a\", 1, null]}"));
    TABLE.check("POST /t", json("[{\"nope\":1}]"));
  }

  @Test
  void aFieldTheRouteDoesNotTakeIsRefusedByNameWhereverItIsNested() {
    assertThatThrownBy(() -> TABLE.check("POST /t", json("{\"name\":\"t\",\"nmae\":\"t\"}")))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "Unknown field 'nmae' in the body of POST /t, which takes name, columns and options:"
                + " remove it or correct its name.")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(ErrorKind.BAD_REQUEST);
    assertThatThrownBy(
            () ->
                TABLE.check(
                    "POST /t",
                    json("{\"columns\":[{\"name\":\"a\"},{\"name\":\"b\",\"typ\":\"long\"}]}")))
        .hasMessage(
            "Unknown field 'columns[1].typ' in the body of POST /t, whose columns take name and"
                + " type: remove it or correct its name.");
    assertThatThrownBy(
            () -> TABLE.check("POST /t", json("{\"options\":{\"compress\":1,\"level\":9}}")))
        .hasMessage(
            "Unknown field 'options.level' in the body of POST /t, whose options take compress:"
                + " remove it or correct its name.");
    assertThatThrownBy(
            () -> BodyFields.of("a").hint("Use POST /b for b.").check("POST /a", json("{\"b\":1}")))
        .hasMessage(
            "Unknown field 'b' in the body of POST /a, which takes a: remove it or correct its"
                + " name. Use POST /b for b.");
  }

  /** The fields each route takes are those its OpenAPI description lists, and no others. */
  @Test
  void theOpenApiDocumentDescribesTheFieldsOfEveryBody() throws Exception {
    JsonNode paths = ErrorResponses.JSON.readTree(OperationsRoutes.openApiDocument()).get("paths");
    Map<String, BodyFields> routes =
        Map.of(
            "/register_project", ProjectsRoutes.BUCKET_REGISTRATION_FIELDS,
            "/v1/projects", ProjectsRoutes.REGISTRATION_FIELDS,
            "/v1/sql", SqlRoutes.STATEMENT_FIELDS,
            "/v1/tables", SqlRoutes.TABLE_TYPE_FIELDS);
    List<String> described = new ArrayList<>();
    paths
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        operation -> {
                          if (operation.getValue().has("requestBody")) {
                            described.add(path.getKey());
                          }
                        }));
    assertThat(described).containsExactlyInAnyOrderElementsOf(routes.keySet());
    routes.forEach(
        (path, fields) ->
            assertDescribed(
                path,
                paths
                    .get(path)
                    .get("post")
                    .get("requestBody")
                    .get("content")
                    .get("application/json")
                    .get("schema"),
                fields));
  }

  private static void assertDescribed(String where, JsonNode schema, BodyFields fields) {
    assertThat(schema.get("additionalProperties").asBoolean(true)).as(where).isFalse();
    List<String> properties = new ArrayList<>();
    schema.get("properties").fieldNames().forEachRemaining(properties::add);
    assertThat(properties).as(where).containsExactlyElementsOf(fields.names());
    fields
        .nested()
        .forEach(
            (field, inner) -> {
              JsonNode property = schema.get("properties").get(field);
              assertDescribed(
                  where + " " + field,
                  property.has("items") ? property.get("items") : property,
                  inner);
            });
  }
}
