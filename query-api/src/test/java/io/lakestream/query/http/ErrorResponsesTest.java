package io.lakestream.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorResponsesTest {
  @Test
  void detailsLoseTheNamesOfInternalClasses() {
    assertThat(
            ErrorResponses.userTerms(
                "Cannot parse: net.sf.jsqlparser.parser.ParseException: Encountered \"x\""))
        .isEqualTo("Cannot parse: Encountered \"x\"");
    assertThat(
            ErrorResponses.userTerms(
                "Cannot read rows of table acme/events: ApiCallTimeoutException: took 10 s"))
        .isEqualTo("Cannot read rows of table acme/events: took 10 s");
    assertThat(ErrorResponses.userTerms("java.lang.StackOverflowError"))
        .isEqualTo("The request failed.");
    assertThat(ErrorResponses.userTerms(null)).isEqualTo("The request failed.");
  }

  @Test
  void plainMessagesAreKeptAsWritten() {
    String message =
        "Table events has no column 'colour'. Its columns are: timestamp, event_id, project_id."
            + " File part-00000.c000.snappy.parquet at s3a://bucket/projects/acme/events.";
    assertThat(ErrorResponses.userTerms(message)).isEqualTo(message);
  }

  @Test
  void jettyErrorsAreJsonBodies() {
    assertThat(ErrorResponses.body(JsonErrorHandler.code(431), "too large"))
        .isEqualTo("{\"error\":\"headers_too_large\",\"detail\":\"too large\"}");
  }
}
