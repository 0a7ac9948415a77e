package io.lakestream.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.convert.AvroSchemas;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;

/**
 * The {@code .avsc} files producers use must equal the schemas derived from the YAML tables, so the
 * two can never drift. Run with {@code -Dlakestream.avsc.update=true} to rewrite the files after
 * changing a table's YAML.
 */
class AvscFilesTest {
  private static final Path AVSC_FOLDER = Path.of("src/main/avro");

  @Test
  void everyBuiltInTableHasAnAvscFileEqualToItsDerivedSchema() throws IOException {
    for (TableDefinition table : TableDefinitions.builtIns().values()) {
      Schema derived = AvroSchemas.rowSchema(table);
      Path file = AVSC_FOLDER.resolve(table.name() + ".avsc");
      if (Boolean.getBoolean("lakestream.avsc.update")) {
        Files.writeString(file, derived.toString(true) + "\n");
      }
      assertThat(file).as("the .avsc of table %s", table.name()).exists();
      Schema onDisk = new Schema.Parser().parse(file.toFile());
      assertThat(onDisk)
          .as("%s differs from the YAML table; rerun with -Dlakestream.avsc.update=true", file)
          .isEqualTo(derived);
    }
    try (var files = Files.list(AVSC_FOLDER)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
          .containsExactlyElementsOf(
              TableDefinitions.BUILT_IN_NAMES.stream().map(n -> n + ".avsc").sorted().toList());
    }
  }

  @Test
  void generatedClassesHaveTheDerivedSchemaFingerprints() {
    assertSameSchema(Events.getClassSchema(), "events");
    assertSameSchema(Metrics.getClassSchema(), "metrics");
    assertSameSchema(OtelLogsAndSpans.getClassSchema(), "otel_logs_and_spans");
  }

  @Test
  void aGeneratedEventIsReadableAsAGenericRowOfTheTable() throws IOException {
    long micros = Instant.parse("2026-11-21T10:15:30Z").toEpochMilli() * 1000;
    Events event =
        Events.newBuilder()
            .setTimestamp(Instant.ofEpochSecond(0, micros * 1000))
            .setEventType("user.signup")
            .setName("signup")
            .setAttributes("{\"plan\":\"pro\"}")
            .setProjectId("acme")
            .build();
    ByteBuffer bytes = event.toByteBuffer();

    Schema schema = AvroSchemas.rowSchema(TableDefinitions.builtIn("events"));
    BinaryMessageDecoder<GenericRecord> decoder =
        new BinaryMessageDecoder<>(GenericData.get(), schema);
    GenericRecord row = decoder.decode(bytes);
    assertThat(row.get("timestamp")).isEqualTo(micros);
    assertThat(row.get("event_type").toString()).isEqualTo("user.signup");
    assertThat(row.get("project_id").toString()).isEqualTo("acme");
    assertThat(row.get("payload")).isNull();
  }

  private static void assertSameSchema(Schema generated, String table) {
    Schema derived = AvroSchemas.rowSchema(TableDefinitions.builtIn(table));
    assertThat(SchemaNormalization.parsingFingerprint64(generated))
        .as("fingerprint of the generated class for %s", table)
        .isEqualTo(SchemaNormalization.parsingFingerprint64(derived));
    assertThat(generated.getFields().stream().map(Schema.Field::name).toList())
        .isEqualTo(List.copyOf(derived.getFields().stream().map(Schema.Field::name).toList()));
  }
}
