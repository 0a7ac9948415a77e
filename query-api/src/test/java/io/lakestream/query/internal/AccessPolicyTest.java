package io.lakestream.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.query.internal.AccessPolicy.Principal;
import io.lakestream.reader.QueryException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  private final AccessPolicy policy =
      new AccessPolicy(
          Map.of("a", Set.of("ta", "shared"), "b", Set.of("tb", "shared")),
          Optional.of("admin"),
          false);

  @Test
  void projectTokensReadTheirProjectsOnly() {
    Principal a = policy.authenticate("Bearer ta");
    assertThat(a.mayRead("a")).isTrue();
    assertThat(a.mayRead("b")).isFalse();
    assertThatThrownBy(() -> policy.checkProject(a, "b"))
        .hasMessage(
            "The bearer token does not grant access to project 'b': use a token of that project or an admin token.");
    assertThatThrownBy(() -> policy.checkAdmin(a, "register projects"))
        .hasMessageContaining("admin");
    Principal shared = policy.authenticate("bearer   shared ");
    assertThat(shared.projects()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void theAdminReadsEverything() {
    Principal admin = policy.authenticate("Bearer admin");
    assertThat(admin.admin()).isTrue();
    assertThat(admin.mayRead("anything")).isTrue();
  }

  @Test
  void missingOrUnknownTokensAreUnauthenticated() {
    for (String header : new String[] {null, "", "Bearer", "Bearer ", "Basic ta", "Bearer nope"}) {
      assertThatThrownBy(() -> policy.authenticate(header))
          .as(String.valueOf(header))
          .isInstanceOf(QueryException.class)
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(io.lakestream.schema.ErrorKind.UNAUTHENTICATED);
    }
  }

  @Test
  void openModeAdmitsEveryRequest() {
    AccessPolicy open = new AccessPolicy(Map.of(), Optional.empty(), true);
    assertThat(open.authenticate(null).mayRead("x")).isTrue();
  }

  @Test
  void metricsProjectsFollowTheToken() {
    AccessPolicy withMetrics =
        new AccessPolicy(
            Map.of("ACME", Set.of("ta")), Optional.of("admin"), Optional.of("scraper"), false);
    assertThat(withMetrics.metricsProjects(null).test("acme")).isFalse();
    assertThat(withMetrics.metricsProjects("Bearer ta").test("acme")).isTrue();
    assertThat(withMetrics.metricsProjects("Bearer ta").test("globex")).isFalse();
    assertThat(withMetrics.metricsProjects("Bearer scraper").test("globex")).isTrue();
    assertThat(withMetrics.metricsProjects("Bearer admin").test("globex")).isTrue();
    assertThatThrownBy(() -> withMetrics.authenticate("Bearer scraper"))
        .hasMessage("The bearer token is not valid here: check the token.");
    assertThatThrownBy(() -> withMetrics.metricsProjects("Bearer nope"))
        .hasMessage("The bearer token is not valid here: check the token.");
    assertThat(withMetrics.authenticate("Bearer ta").mayRead("Acme")).isTrue();
  }
}
