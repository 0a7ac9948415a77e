package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.reader.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A running sidecar as the ITs call it over HTTP: its origin and the token they send (the admin
 * token {@code admin} of {@link FeedFixtures#sidecarOnFeed} unless {@link #as} says another).
 */
record Sidecar(String origin, String token) {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The sidecar of a started role, called with the admin token. */
  static Sidecar of(QueryRole role) {
    return new Sidecar("http://127.0.0.1:" + role.port(), "admin");
  }

  /** The same sidecar, called with {@code token}. */
  Sidecar as(String token) {
    return new Sidecar(origin, token);
  }

  HttpResponse<String> get(String path) {
    return ApiRequests.get(origin, path, token);
  }

  /** {@code GET path} with the body as bytes (Arrow). */
  HttpResponse<byte[]> getBytes(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(origin + path))
            .header("Authorization", "Bearer " + token)
            .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code POST path} with a JSON body. */
  HttpResponse<String> post(String path, String json) {
    return ApiRequests.send(
        origin, "POST", path, token, json, Map.of("Content-Type", "application/json"));
  }

  HttpResponse<String> delete(String path) {
    return ApiRequests.send(origin, "DELETE", path, token, null, Map.of());
  }

  /** {@code POST /v1/sql} of one statement. */
  HttpResponse<String> sql(String statement) {
    return post("/v1/sql", ExpectedRows.JSON.createObjectNode().put("sql", statement).toString());
  }

  /** A table's status; an empty object while the table is not served (any answer but 200). */
  JsonNode status(TableId table) {
    HttpResponse<String> status = get(path(table));
    return status.statusCode() == 200
        ? ExpectedRows.parse(status.body())
        : ExpectedRows.parse("{}");
  }

  /** A table's status, which must be served. */
  JsonNode servedStatus(TableId table) {
    HttpResponse<String> status = get(path(table));
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    return ExpectedRows.parse(status.body());
  }

  /** The rows a table's status counts; -1 while the table is not served. */
  long rowCount(TableId table) {
    return status(table).path("rows").asLong(-1);
  }

  /** Every row of a table (up to 100,000), in key order; none while the table is not served. */
  List<String> readAll(TableId table) {
    HttpResponse<String> page = get(path(table) + "/rows?limit=100000");
    return page.statusCode() == 200
        ? ExpectedRows.texts(ExpectedRows.parse(page.body()))
        : List.of();
  }

  /** A page of a table's rows, and the cursor of the next page when there is one. */
  record Page(List<String> rows, Optional<String> next) {}

  /** The page of {@code limit} rows from {@code cursor} (null: the first page); must be served. */
  Page page(TableId table, int limit, String cursor) {
    HttpResponse<String> page =
        get(path(table) + "/rows?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    return new Page(
        ExpectedRows.texts(ExpectedRows.parse(page.body())),
        page.headers().firstValue("Lakestream-Next-Cursor"));
  }

  /** Every row of a table, page by page of {@code limit} rows with the cursors. */
  List<String> walk(TableId table, int limit) {
    List<String> rows = new ArrayList<>();
    String cursor = null;
    do {
      Page page = page(table, limit, cursor);
      rows.addAll(page.rows());
      cursor = page.next().orElse(null);
    } while (cursor != null);
    return rows;
  }

  /** The path of a table's status; its rows are below it. */
  static String path(TableId table) {
    return "/v1/projects/" + table.project() + "/tables/" + table.table();
  }
}
