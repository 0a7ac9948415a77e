package io.lakestream.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitAnnouncementTest {
  private static final CommitAnnouncement ANNOUNCEMENT =
      new CommitAnnouncement(
          CommitAnnouncement.FORMAT,
          "acme",
          "events",
          "s3a://lake/w/projects/acme/events",
          7,
          1_764_998_400_000L,
          List.of(
              new CommitAnnouncement.AddedFile(
                  "part-00007.parquet", 48_213, 100, Map.of("lakestream.index", "AQID"))),
          List.of(),
          Map.of("otlp_logs-4", 1234L));

  @Test
  void isWrittenWithTheDocumentedFieldNames() throws Exception {
    JsonNode json = new ObjectMapper().readTree(ANNOUNCEMENT.toJson());

    assertThat(json.get("format").asInt()).isEqualTo(1);
    assertThat(json.get("project").asText()).isEqualTo("acme");
    assertThat(json.get("table").asText()).isEqualTo("events");
    assertThat(json.get("location").asText()).isEqualTo("s3a://lake/w/projects/acme/events");
    assertThat(json.get("version").asLong()).isEqualTo(7);
    assertThat(json.get("committed_at_ms").asLong()).isEqualTo(1_764_998_400_000L);
    JsonNode file = json.get("added").get(0);
    assertThat(file.get("path").asText()).isEqualTo("part-00007.parquet");
    assertThat(file.get("size_bytes").asLong()).isEqualTo(48_213);
    assertThat(file.get("rows").asLong()).isEqualTo(100);
    assertThat(file.get("tags").get("lakestream.index").asText()).isEqualTo("AQID");
    assertThat(json.get("removed")).isEmpty();
    assertThat(json.get("watermarks").get("otlp_logs-4").asLong()).isEqualTo(1234);
    assertThat(ANNOUNCEMENT.key()).isEqualTo("acme/events");
  }

  @Test
  void readsBackWhatItWritesAndIgnoresFieldsItDoesNotKnow() {
    assertThat(CommitAnnouncement.fromJson(ANNOUNCEMENT.toJson())).isEqualTo(ANNOUNCEMENT);

    String newer =
        "{\"format\":1,\"project\":\"acme\",\"table\":\"events\",\"location\":\"file:/w\","
            + "\"version\":0,\"committed_at_ms\":1,\"added\":[],\"schema_id\":\"later\"}";
    CommitAnnouncement read = CommitAnnouncement.fromJson(newer.getBytes(StandardCharsets.UTF_8));
    assertThat(read.version()).isZero();
    assertThat(read.removed()).isEmpty();
    assertThat(read.watermarks()).isEmpty();
  }

  @Test
  void refusesAnotherFormatOrNoJson() {
    assertThatThrownBy(
            () ->
                CommitAnnouncement.fromJson(
                    "{\"format\":2,\"project\":\"a\",\"table\":\"t\",\"location\":\"l\"}"
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessage("Commit announcement format 2 is not 1");
    assertThatThrownBy(
            () -> CommitAnnouncement.fromJson("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Not a commit announcement: not json");
  }
}
