package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.lakestream.query.ForeignParquetWriter.TimestampEncoding;
import io.lakestream.query.http.HttpApi;
import io.lakestream.reader.KeyRange;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.tables.TableRegistry;
import io.lakestream.testkit.KernelTables;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Delta tables that other tools rewrote, as Spark's {@code OPTIMIZE} does: files with INT96 or
 * INT64 millis/micros/nanos timestamps, rows not sorted by the primary key, AddFiles without our
 * key model tag or statistics. The sidecar must serve exactly the rows our own files would give
 * (timestamps in microseconds, key order, exact cursors), keep following the table, and never serve
 * a table it cannot read as if it were current.
 */
class ForeignDeltaTablesIT {
  private static final String PROJECT = "acme";
  private static final String TOKEN = "acme-token";
  private static final TableDefinition METRICS = TableDefinitions.builtIn("metrics");
  private static final long BASE = 1_800_000_000_000_000L;
  private static final String STATUS = "/v1/projects/acme/tables/metrics";

  @TempDir Path warehouse;
  private QueryRole role;
  private DeltaFixture fixture;
  private DeltaFixture.Table table;
  private TableReads reads;

  @BeforeEach
  void start() {
    QueryConfig config =
        QueryConfig.builder()
            .warehouse(warehouse.toUri())
            .projectToken(PROJECT, TOKEN)
            .pollInterval(Duration.ofMillis(50))
            .discoveryInterval(Duration.ofMillis(50))
            .build();
    fixture = DeltaFixture.of(config).pageRows(20);
    table = fixture.table(PROJECT, METRICS);
    role = QueryRole.create(config, new SimpleMeterRegistry(), (e, r, b, a, s) -> {});
    reads = new TableReads(role, table, METRICS);
  }

  @AfterEach
  void stop() {
    role.close();
  }

  @ParameterizedTest
  @EnumSource(TimestampEncoding.class)
  void aTableOptimizedByAnotherToolServesTheSameRowsAndKeepsFollowingItsLog(
      TimestampEncoding encoding) throws IOException {
    TestRows rows = new TestRows(METRICS, 11);
    long resolution = encoding.resolutionMicros();
    table.append(rows(rows, BASE, 300, 1_000, resolution), true);
    table.append(rows(rows, BASE + 90_000, 200, 1_000, resolution), true);
    table.append(rows(rows, BASE + 20_000, 150, 3_000, resolution), false);
    role.tables().discover();
    role.tables().pollAll();
    assertThat(reads.read(KeyRange.ALL, false, null, 100_000, new ArrayList<>()))
        .isEqualTo(reads.expected(KeyRange.ALL, false));

    // OPTIMIZE: one file with the rows of all three, as sorted runs in another order.
    List<DeltaFixture.WrittenFile> compacted = table.liveFiles();
    List<GenericRecord> concatenated = new ArrayList<>();
    for (int i = compacted.size() - 1; i >= 0; i--) {
      concatenated.addAll(compacted.get(i).rows());
    }
    long optimized = table.commit(List.of(foreignFile(encoding, concatenated)), compacted);
    role.tables().pollAll();

    TableSnapshot snapshot = reads.snapshot();
    assertThat(snapshot.version()).isEqualTo(optimized);
    assertThat(snapshot.files())
        .singleElement()
        .satisfies(
            file -> {
              assertThat(file.sorted()).isFalse();
              assertThat(file.modelBuilt()).isTrue();
            });
    assertThat(status().stale()).isFalse();
    assertServesExactlyTheTable(new Random(encoding.ordinal()));

    // A later append by Lakestream's writer, and one more file from the other tool, fully shuffled.
    table.append(rows(rows, BASE + 50_000, 120, 1_000, resolution), true);
    List<GenericRecord> shuffled = rows(rows, BASE + 10_000, 400, 500, resolution);
    Collections.shuffle(shuffled, new Random(5));
    long last = table.commit(List.of(foreignFile(encoding, shuffled)), List.of());
    role.tables().pollAll();
    assertThat(reads.snapshot().version()).isEqualTo(last);
    assertThat(reads.snapshot().rows()).isEqualTo(300 + 200 + 150 + 120 + 400);
    assertServesExactlyTheTable(new Random(17));
  }

  /**
   * The tables written as other tools write them are valid for independent readers: Delta Kernel
   * reads the OPTIMIZE-like table at the same version with the same values (timestamps in
   * microseconds; all encodings but nanos, which Kernel refuses), and DuckDB reads the foreign
   * file's timestamps as we do.
   */
  @ParameterizedTest
  @EnumSource(TimestampEncoding.class)
  void independentReadersReadTheForeignTablesAsTheSidecarDoes(TimestampEncoding encoding)
      throws Exception {
    TestRows rows = new TestRows(METRICS, 31);
    long resolution = encoding.resolutionMicros();
    table.append(rows(rows, BASE, 100, 1_000, resolution), true);
    table.append(rows(rows, BASE + 30_000, 100, 1_000, resolution), true);
    List<DeltaFixture.WrittenFile> compacted = table.liveFiles();
    List<GenericRecord> concatenated = new ArrayList<>();
    for (int i = compacted.size() - 1; i >= 0; i--) {
      concatenated.addAll(compacted.get(i).rows());
    }
    DeltaFixture.WrittenFile foreign = foreignFile(encoding, concatenated);
    long version = table.commit(List.of(foreign), compacted);

    List<String> columns = List.of("timestamp", "start_timestamp", "value", "project_id");
    KernelTables kernel = new KernelTables(fixture.conf());
    String path = table.path().toString();
    assertThat(kernel.version(path)).isEqualTo(version);
    List<String> expected = new ArrayList<>();
    for (GenericRecord row : concatenated) {
      List<String> values = new ArrayList<>();
      for (String column : columns) {
        values.add(column + "=" + row.get(column));
      }
      expected.add(String.join(",", values));
    }
    if (encoding != TimestampEncoding.INT64_NANOS) {
      // Delta Kernel 4.4 refuses TIMESTAMP(NANOS) files ("Unsupported Parquet TimeType
      // unit=NANOS"); DuckDB checks those below.
      assertThat(kernel.rowsAsText(path, columns)).isEqualTo(expected);
    }

    String file =
        Path.of(new org.apache.hadoop.fs.Path(table.path(), foreign.path()).toUri()).toString();
    List<Long> duckdb = new ArrayList<>();
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement statement = connection.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
      // Every encoding as microseconds: DuckDB 2 has no epoch_us of TIMESTAMPTZ_NS itself.
      try (java.sql.ResultSet result =
          statement.executeQuery(
              "SELECT epoch_us(CAST(\"timestamp\" AS TIMESTAMPTZ)) FROM read_parquet('"
                  + file.replace("'", "''")
                  + "')")) {
        while (result.next()) {
          duckdb.add(result.getLong(1));
        }
      }
    }
    assertThat(duckdb)
        .isEqualTo(concatenated.stream().map(r -> (Long) r.get("timestamp")).toList());

    role.tables().discover();
    role.tables().pollAll();
    assertThat(reads.snapshot().version()).isEqualTo(version);
    assertThat(reads.read(KeyRange.ALL, false, null, 100_000, new ArrayList<>()))
        .isEqualTo(reads.expected(KeyRange.ALL, false));
  }

  private void assertServesExactlyTheTable(Random random) throws IOException {
    for (boolean descending : new boolean[] {false, true}) {
      assertThat(reads.read(KeyRange.ALL, descending, null, 100_000, new ArrayList<>()))
          .isEqualTo(reads.expected(KeyRange.ALL, descending));
      for (int limit : new int[] {1, 37}) {
        KeyRange range = limit == 1 ? new KeyRange(BASE + 20_000, BASE + 60_000) : KeyRange.ALL;
        assertThat(reads.walk(range, descending, limit))
            .as("limit %d %s", limit, descending ? "desc" : "asc")
            .isEqualTo(reads.expected(range, descending));
      }
    }
    for (int i = 0; i < 30; i++) {
      long lo = BASE - 5_000 + (long) (random.nextDouble() * 400_000);
      long hi = lo + (long) (random.nextDouble() * 150_000);
      KeyRange range = new KeyRange(lo, hi);
      boolean descending = random.nextBoolean();
      assertThat(reads.read(range, descending, null, 100_000, new ArrayList<>()))
          .as("range [%d, %d] %s", lo, hi, descending ? "desc" : "asc")
          .isEqualTo(reads.expected(range, descending));
    }
  }

  @Test
  void aTableWithAFileItCannotReadIsNotServedStaleAndRecoversAfterTheFixCommit() {
    TestRows rows = new TestRows(METRICS, 23);
    table.append(rows(rows, BASE, 100, 1_000, 1), true);
    table.append(rows(rows, BASE + 50_000, 100, 1_000, 1), true);
    role.startTailing();
    JavalinTest.test(
        HttpApi.create(role.services(), Optional.empty()),
        (server, client) -> {
          await().until(() -> client.get("/ready").code() == 200);
          assertThat(get(client, STATUS + "/rows?limit=1000").code()).isEqualTo(200);

          // A corrupt file: not Parquet at all.
          DeltaFixture.WrittenFile corrupt = garbageFile();
          table.commit(List.of(corrupt), List.of());
          JsonNode status = awaitStale(client);
          assertThat(status.get("last_error").asText())
              .startsWith(
                  "cannot read data file " + corrupt.path() + " of version 2 of its Delta log: ")
              .contains("is not a Parquet file");
          assertThat(status.get("delta_version").asLong()).isEqualTo(1);
          assertNotServed(client, corrupt.path(), "is not a Parquet file", 1);

          // The fix removes it, but adds a file whose column has a type the table cannot hold.
          DeltaFixture.WrittenFile wrongType = wrongTypeFile(rows);
          table.commit(List.of(wrongType), List.of(corrupt));
          await()
              .until(
                  () ->
                      json(get(client, STATUS))
                          .path("last_error")
                          .asText()
                          .contains(wrongType.path()));
          // Version 2 (the corrupt file, removed by version 3) applies; version 3 cannot.
          assertNotServed(
              client,
              wrongType.path(),
              "column 'value' is stored as BINARY, which cannot hold the table's type double",
              2);

          // The next fix removes that one too; a normal append follows: served again, all of it.
          table.commit(List.of(), List.of(wrongType));
          table.append(rows(rows, BASE + 500_000, 50, 1_000, 1), true);
          await().until(() -> client.get("/ready").code() == 200);
          JsonNode recovered = json(get(client, STATUS));
          assertThat(recovered.get("stale").asBoolean()).isFalse();
          assertThat(recovered.has("last_error")).isFalse();
          assertThat(recovered.get("delta_version").asLong()).isEqualTo(5);
          Response read = get(client, STATUS + "/rows?limit=1000");
          assertThat(read.code()).isEqualTo(200);
          assertThat(ExpectedRows.texts(json(read))).isEqualTo(reads.expected(KeyRange.ALL, false));
        });
  }

  private JsonNode awaitStale(HttpClient client) {
    await().until(() -> json(get(client, STATUS)).path("stale").asBoolean());
    return json(get(client, STATUS));
  }

  /** Reads answer 503 naming the table, the file and why; /ready names them too. */
  private static void assertNotServed(
      HttpClient client, String file, String why, long servedVersion) {
    Response read = get(client, STATUS + "/rows?limit=10");
    assertThat(read.code()).isEqualTo(503);
    JsonNode body = json(read);
    assertThat(body.get("error").asText()).isEqualTo("unavailable");
    assertThat(body.get("detail").asText())
        .startsWith("Table acme/metrics is not served: cannot read data file " + file)
        .contains(why)
        .contains(
            "(the sidecar has it up to version "
                + servedVersion
                + " and does not serve that old state)");
    Response ready = client.get("/ready");
    assertThat(ready.code()).isEqualTo(503);
    assertThat(json(ready).get("detail").asText())
        .startsWith("Not ready: 1 table(s) not served: acme/metrics: cannot read data file " + file)
        .contains(why);
    JsonNode status = json(get(client, STATUS));
    assertThat(status.get("stale").asBoolean()).isTrue();
    assertThat(status.get("caught_up").asBoolean()).isFalse();
    assertThat(status.get("last_error").asText()).contains(file).contains(why);
  }

  // ---- writing files as another tool would ----

  private List<GenericRecord> rows(TestRows rows, long start, int count, long step, long res) {
    return new ArrayList<>(
        ForeignParquetWriter.truncated(
            METRICS, rows.rowsWithDuplicates(PROJECT, start, count, step), res));
  }

  private static String sparkName() {
    return "part-00000-" + UUID.randomUUID() + "-c000.snappy.parquet";
  }

  private DeltaFixture.WrittenFile foreignFile(
      TimestampEncoding encoding, List<GenericRecord> rows) {
    String name = sparkName();
    ForeignParquetWriter.write(
        fixture.conf(), new org.apache.hadoop.fs.Path(table.path(), name), METRICS, encoding, rows);
    return table.foreignFile(name, rows);
  }

  private DeltaFixture.WrittenFile garbageFile() {
    String name = sparkName();
    try {
      Files.writeString(
          Path.of(new org.apache.hadoop.fs.Path(table.path(), name).toUri()),
          "this is not a Parquet file, only its name says so\n".repeat(20));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return table.foreignFile(name, List.of());
  }

  /** A valid Parquet file whose {@code value} column holds strings, not doubles. */
  private DeltaFixture.WrittenFile wrongTypeFile(TestRows rows) {
    String name = sparkName();
    MessageType schema =
        MessageTypeParser.parseMessageType(
            "message spark_schema { required int64 timestamp (TIMESTAMP(MICROS,true));"
                + " optional binary value (STRING); required binary project_id (STRING); }");
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(
                HadoopOutputFile.fromPath(
                    new org.apache.hadoop.fs.Path(table.path(), name), fixture.conf()))
            .withType(schema)
            .withConf(fixture.conf())
            .build()) {
      writer.write(
          new SimpleGroupFactory(schema)
              .newGroup()
              .append("timestamp", BASE + 7)
              .append("value", "seven")
              .append("project_id", PROJECT));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return table.foreignFile(name, List.of());
  }

  // ---- reading ----

  private TableRegistry.TableStatus status() {
    return role.tables().status(table.id()).orElseThrow();
  }

  private static Response get(HttpClient client, String path) {
    return client.get(path, r -> r.header("Authorization", "Bearer " + TOKEN));
  }

  private static JsonNode json(Response response) {
    return ExpectedRows.parse(response.body().string());
  }
}
