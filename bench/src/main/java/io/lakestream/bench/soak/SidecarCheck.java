package io.lakestream.bench.soak;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The query sidecar under the soak: a {@code lakestream query} process (live tail on, following the
 * commit feed) whose answers are read over {@code POST /v1/sql} while rows flow, with kill -9s of
 * it in between. Every read of a project must hold each of its rows at most once, only rows of that
 * project, and every row the previous read of it held (rows only arrive: one that was served from
 * the tail is served again from the tail or from Delta, whatever was killed in between); the read
 * after the pipeline drained must hold exactly the project's rows.
 */
final class SidecarCheck {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RoleProcess sidecar;
  private final int port;
  private final String token;
  private final SoakData data;
  private final Consumer<String> events;
  private final Map<String, BitSet> lastRead = new HashMap<>();
  private final List<String> problems = new ArrayList<>();
  private final Random random;
  private int cycles;
  private int projectReads;
  private int unavailable;
  private int kills;
  private int checkedAfterKill;

  SidecarCheck(
      RoleProcess sidecar,
      int port,
      String token,
      SoakData data,
      long seed,
      Consumer<String> events) {
    this.sidecar = requireNonNull(sidecar, "sidecar is null");
    this.port = port;
    this.token = requireNonNull(token, "token is null");
    this.data = requireNonNull(data, "data is null");
    this.random = new Random(seed);
    this.events = requireNonNull(events, "events is null");
  }

  /**
   * Reads every project again and again while {@code going}, killing the sidecar (kill -9, started
   * again 1–3 s later) every {@code every} (± half), at most {@code maxKills} times; the first read
   * after each restart is the one that must hold every row read before.
   */
  void whileRunning(java.util.function.BooleanSupplier going, int maxKills, Duration every)
      throws InterruptedException {
    awaitReady(Duration.ofMinutes(3));
    long nextKill = System.nanoTime() + jitter(every);
    boolean afterKill = false;
    while (going.getAsBoolean()) {
      if (readAll(afterKill ? "the first read after kill -9 " + kills : "read") && afterKill) {
        checkedAfterKill++;
      }
      afterKill = false;
      if (kills < maxKills && System.nanoTime() >= nextKill && going.getAsBoolean()) {
        sidecar.kill9();
        kills++;
        events.accept("kill -9 query sidecar (" + kills + ")");
        TimeUnit.MILLISECONDS.sleep(1000 + random.nextInt(2000));
        sidecar.start();
        awaitReady(Duration.ofMinutes(3));
        events.accept("query sidecar ready again");
        nextKill = System.nanoTime() + jitter(every);
        afterKill = true;
      }
    }
  }

  /** The final read, after the pipeline drained: every project's rows, exactly. */
  Result finalRead() throws InterruptedException {
    if (!sidecar.isAlive()) {
      sidecar.start();
    }
    awaitReady(Duration.ofMinutes(3));
    Map<String, BitSet> expected = new HashMap<>();
    for (int id = 0; id < data.rows(); id++) {
      expected.computeIfAbsent(data.projectOf(id), p -> new BitSet()).set(id);
    }
    long served = 0;
    long missing = 0;
    long duplicated = 0;
    long foreign = 0;
    for (String project : data.projects()) {
      Read read = read(project);
      if (read == null) {
        problems.add("final read of " + project + ": the sidecar did not answer");
        missing += expected.getOrDefault(project, new BitSet()).cardinality();
        continue;
      }
      served += read.rows();
      duplicated += read.duplicates();
      foreign += read.foreign();
      BitSet lost = (BitSet) expected.getOrDefault(project, new BitSet()).clone();
      lost.andNot(read.ids());
      missing += lost.cardinality();
      BitSet extra = (BitSet) read.ids().clone();
      extra.andNot(expected.getOrDefault(project, new BitSet()));
      foreign += extra.cardinality();
    }
    return new Result(
        served,
        missing,
        duplicated,
        foreign,
        cycles,
        projectReads,
        unavailable,
        kills,
        checkedAfterKill,
        List.copyOf(problems));
  }

  /**
   * What the sidecar served.
   *
   * @param rows rows of the final read
   * @param missing rows produced that the final read did not hold
   * @param duplicated rows the final read held more than once
   * @param foreign rows the final read held that belong to another project or to no soak row
   * @param cycles reads of every project while rows flowed
   * @param projectReads single project reads among them
   * @param unavailable project reads that got no answer (the sidecar starting, or killed)
   * @param kills kill -9s of the sidecar
   * @param checkedAfterKill restarts whose first read was checked against the read before the kill
   * @param problems what a read while rows flowed found wrong (empty when none)
   */
  record Result(
      long rows,
      long missing,
      long duplicated,
      long foreign,
      int cycles,
      int projectReads,
      int unavailable,
      int kills,
      int checkedAfterKill,
      List<String> problems) {
    boolean exact() {
      return missing == 0 && duplicated == 0 && foreign == 0 && problems.isEmpty();
    }
  }

  private long jitter(Duration every) {
    long millis = every.toMillis();
    return TimeUnit.MILLISECONDS.toNanos(millis / 2 + random.nextInt((int) millis + 1));
  }

  /** One read of every project, checked; whether every project answered. */
  private boolean readAll(String what) {
    cycles++;
    boolean all = true;
    for (String project : data.projects()) {
      Read read = read(project);
      if (read == null) {
        all = false;
        continue;
      }
      if (read.duplicates() > 0) {
        problem(what, project, read.duplicates() + " rows served twice");
      }
      if (read.foreign() > 0) {
        problem(what, project, read.foreign() + " rows of another project or of no soak row");
      }
      BitSet before = lastRead.get(project);
      if (before != null) {
        BitSet gone = (BitSet) before.clone();
        gone.andNot(read.ids());
        if (!gone.isEmpty()) {
          problem(
              what,
              project,
              gone.cardinality()
                  + " rows served before are missing, e.g. id "
                  + gone.nextSetBit(0));
        }
      }
      lastRead.put(project, read.ids());
    }
    return all;
  }

  private void problem(String what, String project, String detail) {
    String line = what + " of " + project + ": " + detail;
    if (problems.size() < 50) {
      problems.add(line);
    }
    events.accept("SIDECAR: " + line);
  }

  private record Read(BitSet ids, long rows, long duplicates, long foreign) {}

  /** Every row of {@code project} the sidecar serves now; null when it does not answer. */
  private Read read(String project) {
    projectReads++;
    String sql = "SELECT body FROM " + Soak.TABLE + " WHERE project_id = '" + project + "'";
    HttpResponse<String> response;
    try {
      response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/sql"))
                  .timeout(Duration.ofSeconds(60))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.createObjectNode().put("sql", sql).toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      unavailable++;
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    if (response.statusCode() == 404) {
      return new Read(new BitSet(), 0, 0, 0); // no row of the project written yet
    }
    if (response.statusCode() != 200) {
      unavailable++;
      return null;
    }
    BitSet ids = new BitSet();
    long rows = 0;
    long duplicates = 0;
    long foreign = 0;
    try {
      for (JsonNode row : JSON.readTree(response.body()).path("rows")) {
        rows++;
        int id = SoakData.idOf(row.path(0).asText(null));
        if (id < 0 || id >= data.rows() || !data.projectOf(id).equals(project)) {
          foreign++;
        } else if (ids.get(id)) {
          duplicates++;
        } else {
          ids.set(id);
        }
      }
    } catch (IOException e) {
      unavailable++;
      return null;
    }
    return new Read(ids, rows, duplicates, foreign);
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException("The query sidecar was not ready within " + timeout);
  }
}
