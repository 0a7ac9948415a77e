package io.lakestream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lakestream sql "…"}: runs a statement on a query sidecar and prints the result. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run a SQL statement on a Lakestream query sidecar (POST /v1/sql).",
      "  CREATE TABLE users (user_id BIGINT PRIMARY KEY, email TEXT)",
      "  INSERT INTO users (user_id, email, project_id) VALUES (1, 'a@example.com', 'acme')",
      "  SELECT * FROM users WHERE project_id = 'acme' AND user_id BETWEEN 1 AND 100"
    })
final class SqlCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "STATEMENT", description = "The SQL statement.")
  String statement;

  @Option(
      names = "--url",
      defaultValue = "${env:LAKESTREAM_URL:-http://localhost:8080}",
      description = "The query sidecar (default: ${DEFAULT-VALUE}; env LAKESTREAM_URL).")
  String url;

  @Option(
      names = "--token",
      defaultValue = "${env:LAKESTREAM_TOKEN}",
      description = "Bearer token (env LAKESTREAM_TOKEN).")
  String token;

  @Option(
      names = "--project",
      description =
          "The project a query reads, and inserted rows go to, when the statement names none.")
  String project;

  @Option(names = "--json", description = "Print the server's JSON answer as it is.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    var body = JSON.createObjectNode().put("sql", statement);
    if (project != null) {
      body.put("project", project);
    }
    HttpRequest.Builder request =
        // The table printed shows timestamps as ISO-8601; --json passes the server's answer on.
        HttpRequest.newBuilder(
                URI.create(url.replaceAll("/+$", "") + "/v1/sql" + (json ? "" : "?timestamps=iso")))
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response;
    try {
      response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .build()
              .send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new CliException(
          "Cannot reach the query sidecar at "
              + url
              + ". Is it running? Pass --url or set LAKESTREAM_URL.",
          e);
    }
    PrintWriter out = spec.commandLine().getOut();
    JsonNode answer = parse(response.body());
    if (response.statusCode() >= 400) {
      String error = answer.path("error").asText("error " + response.statusCode());
      String detail = answer.path("detail").asText(response.body());
      throw new CliException(error + ": " + detail);
    }
    if (json) {
      out.println(response.body());
    } else {
      print(out, answer);
    }
    out.flush();
    return 0;
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode().put("detail", body);
    }
  }

  /** Prints rows as an aligned text table, or the message of a statement without rows. */
  static void print(PrintWriter out, JsonNode answer) {
    JsonNode columns = answer.path("columns");
    if (!columns.isArray() || columns.isEmpty()) {
      out.println(answer.path("message").asText("ok"));
      return;
    }
    List<List<String>> cells = new ArrayList<>();
    List<String> header = new ArrayList<>();
    columns.forEach(c -> header.add(c.asText()));
    cells.add(header);
    for (JsonNode row : answer.path("rows")) {
      List<String> line = new ArrayList<>();
      row.forEach(v -> line.add(v.isNull() ? "NULL" : v.isTextual() ? v.asText() : v.toString()));
      cells.add(line);
    }
    int[] widths = new int[header.size()];
    for (List<String> line : cells) {
      for (int i = 0; i < widths.length && i < line.size(); i++) {
        widths[i] = Math.min(60, Math.max(widths[i], line.get(i).length()));
      }
    }
    for (int r = 0; r < cells.size(); r++) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String cell = i < cells.get(r).size() ? cells.get(r).get(i) : "";
        if (cell.length() > 60) {
          cell = cell.substring(0, 57) + "...";
        }
        text.append(i == 0 ? "" : " | ").append(String.format("%-" + widths[i] + "s", cell));
      }
      out.println(text.toString().stripTrailing());
      if (r == 0) {
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
          rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.println(rule);
      }
    }
    out.println("(" + (cells.size() - 1) + " row" + (cells.size() == 2 ? "" : "s") + ")");
  }
}
