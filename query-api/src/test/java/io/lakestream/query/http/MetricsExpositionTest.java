package io.lakestream.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsExpositionTest {
  static final String TEXT =
      "# HELP lakestream_query_tables Tables discovered\n"
          + "# TYPE lakestream_query_tables gauge\n"
          + "lakestream_query_tables 3.0\n"
          + "# HELP lakestream_query_table_rows Rows in live files\n"
          + "# TYPE lakestream_query_table_rows gauge\n"
          + "lakestream_query_table_rows{project=\"acme\",table=\"events\"} 10.0\n"
          + "lakestream_query_table_rows{project=\"globex\",table=\"events\"} 20.0\n"
          + "# HELP lakestream_query_requests_seconds HTTP requests by route\n"
          + "# TYPE lakestream_query_requests_seconds summary\n"
          + "lakestream_query_requests_seconds_count{route=\"a,project=\\\"globex\\\"\",status=\"200\"} 1\n";

  @Test
  void keepsSeriesWithoutAProjectAndThoseOfVisibleProjects() {
    String acme = MetricsExposition.withProjects(TEXT, Set.of("acme")::contains);

    assertThat(acme)
        .contains("lakestream_query_tables 3.0\n")
        .contains("{project=\"acme\",table=\"events\"} 10.0\n")
        .doesNotContain("{project=\"globex\"")
        .as("a project only named inside another label's value is no project label")
        .contains("lakestream_query_requests_seconds_count{route=");
  }

  @Test
  void dropsTheHelpAndTypeOfAFamilyLeftEmpty() {
    String none = MetricsExposition.withProjects(TEXT, project -> false);

    assertThat(none)
        .doesNotContain("lakestream_query_table_rows")
        .contains("lakestream_query_tables");
  }

  @Test
  void readsEscapedLabelValues() {
    assertThat(MetricsExposition.labelValue("m{a=\"x\\\"y\",project=\"p\\\\q\"} 1", "project"))
        .isEqualTo("p\\q");
    assertThat(MetricsExposition.labelValue("m 1", "project")).isNull();
  }
}
