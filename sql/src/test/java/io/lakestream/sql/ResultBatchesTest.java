package io.lakestream.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.TableDefinitions;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A query's result read as Arrow batches from the engine: names, types, memory, failures. */
class ResultBatchesTest {
  final SqlEngine engine =
      new SqlEngine(
          TableDefinitions::builtIns, new SqlEngineTest.FakeScan(), SqlEngine.Limits.DEFAULT);

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void columnsHaveTheResultsNamesAndTheEnginesArrowTypes() {
    try (QueryResult result =
            engine.query(
                "SELECT count(*), min(timestamp), service_name, any_value(attributes) AS a,"
                    + " sum(duration_ns), list(duration_ns ORDER BY timestamp)[1:2] AS firsts"
                    + " FROM otel_logs_and_spans GROUP BY service_name ORDER BY service_name",
                named -> "acme");
        ResultBatches batches = result.batches(1024)) {
      List<String> fields = new ArrayList<>();
      for (Field field : batches.batch().getSchema().getFields()) {
        fields.add(field.getName() + " " + field.getType());
      }
      assertThat(fields)
          .containsExactly(
              "count Int(64, true)",
              "min Timestamp(MICROSECOND, UTC)",
              "service_name Utf8",
              "a Utf8",
              "sum Decimal(38, 0, 128)",
              "firsts List");
      assertThat(batches.next()).isTrue();
      VectorSchemaRoot batch = batches.batch();
      assertThat(batch.getRowCount()).isEqualTo(2);
      assertThat(batch.getVector("service_name").getObject(0).toString()).isEqualTo("acme-api");
      assertThat(((BigIntVector) batch.getVector("count")).get(0)).isEqualTo(60);
      assertThat(batch.getVector("min").getObject(0)).isEqualTo(SqlEngineTest.BASE);
      assertThat(batch.getVector("firsts").getObject(1).toString()).isEqualTo("[1000,3000]");
      assertThat(batches.next()).isFalse();
      assertThat(batches.count()).isEqualTo(2);
    }
    assertThat(engine.batchBytes()).isZero();
  }

  @Test
  void aResultFarLargerThanABatchHoldsOneBatchAtATime() {
    // 200,000 rows of 1,000 characters, 200 MB, in batches of 1,024 rows (about 1 MB each).
    try (QueryResult result =
            engine.query(
                "SELECT i, repeat('x', 1000) AS s FROM range(200000) t(i)", named -> "acme");
        ResultBatches batches = result.batches(1024)) {
      long sum = 0;
      long mostHeld = 0;
      while (batches.next()) {
        mostHeld = Math.max(mostHeld, engine.batchBytes());
        assertThat(batches.batch().getRowCount()).isLessThanOrEqualTo(1024);
        BigIntVector i = (BigIntVector) batches.batch().getVector("i");
        for (int row = 0; row < batches.batch().getRowCount(); row++) {
          sum += i.get(row);
        }
      }
      assertThat(batches.count()).isEqualTo(200_000);
      assertThat(sum).isEqualTo(199_999L * 200_000 / 2);
      assertThat(mostHeld).isBetween(1_024_000L, 4L << 20); // one batch, not 200 MB
    }
    assertThat(engine.batchBytes()).isZero();
  }

  @Test
  void aFailureWhileProducingRowsIsTheEnginesErrorAfterTheBatchesBeforeIt() {
    try (QueryResult result =
            engine.query(
                "SELECT i, CASE WHEN i = 1500000 THEN error('row 1500000 is bad') END AS x"
                    + " FROM range(3000000) t(i)",
                named -> "acme");
        ResultBatches batches = result.batches(8192)) {
      assertThat(batches.next()).isTrue();
      assertThat(((BigIntVector) batches.batch().getVector("i")).get(0)).isZero();
      assertThatThrownBy(
              () -> {
                while (batches.next()) {
                  // read on to the failure
                }
              })
          .isInstanceOfSatisfying(
              SqlException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST))
          .hasMessage("Invalid Input Error: row 1500000 is bad");
      assertThat(batches.count()).isBetween(8192L, 1_500_000L);
    }
    assertThat(engine.batchBytes()).isZero();
  }

  @Test
  void anEnumIsDictionaryEncodedAndItsDictionaryGoesIntoTheIpcStream() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (QueryResult result =
            engine.query(
                "SELECT i, (CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END)::ENUM('even', 'odd')"
                    + " AS parity FROM range(5) t(i)",
                named -> "acme");
        ResultBatches batches = result.batches(2)) {
      assertThat(batches.batch().getSchema().findField("parity").getDictionary()).isNotNull();
      boolean more = batches.next();
      try (org.apache.arrow.vector.ipc.ArrowStreamWriter writer =
          new org.apache.arrow.vector.ipc.ArrowStreamWriter(batches.batch(), batches, out)) {
        writer.start();
        for (; more; more = batches.next()) {
          writer.writeBatch();
        }
        writer.end();
      }
    }
    assertThat(engine.batchBytes()).isZero();
    List<String> parities = new ArrayList<>();
    try (org.apache.arrow.memory.RootAllocator allocator =
            new org.apache.arrow.memory.RootAllocator();
        org.apache.arrow.vector.ipc.ArrowStreamReader reader =
            new org.apache.arrow.vector.ipc.ArrowStreamReader(
                new java.io.ByteArrayInputStream(out.toByteArray()), allocator)) {
      while (reader.loadNextBatch()) {
        org.apache.arrow.vector.FieldVector indices =
            reader.getVectorSchemaRoot().getVector("parity");
        long id = indices.getField().getDictionary().getId();
        try (org.apache.arrow.vector.ValueVector decoded =
            org.apache.arrow.vector.dictionary.DictionaryEncoder.decode(
                indices, reader.getDictionaryVectors().get(id))) {
          for (int row = 0; row < decoded.getValueCount(); row++) {
            parities.add(decoded.getObject(row).toString());
          }
        }
      }
    }
    assertThat(parities).containsExactly("even", "odd", "even", "odd", "even");
  }
}
