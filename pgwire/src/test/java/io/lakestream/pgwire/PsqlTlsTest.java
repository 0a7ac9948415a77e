package io.lakestream.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS as psql (Debian's postgresql-client, libpq) uses it; skipped where psql is missing. */
class PsqlTlsTest {
  @RegisterExtension static final TlsServers tls = new TlsServers(8);

  @BeforeAll
  static void needsPsql() {
    assumeTrue(
        PsqlTest.psql() != null, "psql is not installed (apt-get install postgresql-client)");
  }

  /** psql against {@code server} at {@code host}, with libpq settings from the environment. */
  static PsqlTest.Run psql(PgServer server, String host, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Map<String, String> settings = new java.util.HashMap<>();
    settings.put("PGPASSWORD", "acme-secret");
    settings.put("PGGSSENCMODE", "disable");
    settings.putAll(env);
    return PsqlTest.run(server, host, settings, args);
  }

  @Test
  void sslmodeRequireRunsAQueryOverTls() throws Exception {
    PsqlTest.Run run =
        psql(
            tls.offered(),
            "127.0.0.1",
            Map.of("PGSSLMODE", "require"),
            "-A",
            "-t",
            "-c",
            "select 1");
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo("1\n");
    assertThat(run.exit()).isZero();
    PsqlTest.Run info =
        psql(tls.offered(), "127.0.0.1", Map.of("PGSSLMODE", "require"), "-c", "\\conninfo");
    assertThat(info.out()).contains("SSL connection (protocol: TLSv1.3");
  }

  @Test
  void sslmodeVerifyFullTrustsTheTestAuthority() throws Exception {
    PsqlTest.Run run =
        psql(
            tls.offered(),
            "localhost",
            Map.of(
                "PGSSLMODE",
                "verify-full",
                "PGSSLROOTCERT",
                tls.certificates().authority().toString()),
            "-A",
            "-t",
            "-c",
            "select principal");
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo("acme\n");
  }

  @Test
  void plainTextIsRefusedWhenTlsIsRequired() throws Exception {
    PsqlTest.Run run =
        psql(tls.required(), "127.0.0.1", Map.of("PGSSLMODE", "disable"), "-c", "select 1");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("FATAL:  TLS is required: this server refuses connections without encryption");
    PsqlTest.Run prefer =
        psql(
            tls.required(),
            "127.0.0.1",
            Map.of("PGSSLMODE", "prefer"),
            "-A",
            "-t",
            "-c",
            "select 1");
    assertThat(prefer.out()).isEqualTo("1\n");
  }

  @Test
  void withoutTlsSslmodeRequireFailsAndPreferConnects() throws Exception {
    PsqlTest.Run run =
        psql(tls.plain(), "127.0.0.1", Map.of("PGSSLMODE", "require"), "-c", "select 1");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("server does not support SSL, but SSL was required");
    PsqlTest.Run prefer =
        psql(tls.plain(), "127.0.0.1", Map.of("PGSSLMODE", "prefer"), "-A", "-t", "-c", "select 1");
    assertThat(prefer.out()).isEqualTo("1\n");
  }
}
