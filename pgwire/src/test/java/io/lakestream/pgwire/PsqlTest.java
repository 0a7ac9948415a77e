package io.lakestream.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protocol as psql (Debian's postgresql-client) speaks it; skipped where psql is missing. */
class PsqlTest {
  static final FakeBackend backend = new FakeBackend();
  static PgServer server;

  @BeforeAll
  static void start() {
    assumeTrue(psql() != null, "psql is not installed (apt-get install postgresql-client)");
    server =
        PgServer.start(
            new PgServer.Options("127.0.0.1", 0, PgAuthentication.SCRAM_SHA_256, 8), backend);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static Path psql() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "psql");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** psql's exit code, standard output and standard error. */
  record Run(int exit, String out, String err) {}

  static Run psql(String password, String... arguments) throws IOException, InterruptedException {
    return run(
        server,
        "127.0.0.1",
        java.util.Map.of("PGPASSWORD", password, "PGSSLMODE", "prefer"),
        arguments);
  }

  /**
   * psql as user acme against {@code server} at {@code host}, with libpq settings in {@code env}.
   */
  static Run run(PgServer server, String host, java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(psql().toString());
    command.addAll(
        List.of(
            "-h",
            host,
            "-p",
            String.valueOf(server.port()),
            "-U",
            "acme",
            "-d",
            "lakestream",
            "-X",
            "-w"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PGCONNECT_TIMEOUT", "10");
    builder.environment().putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out, err);
  }

  @Test
  void selectOneOverScram() throws Exception {
    Run run = psql("acme-secret", "-A", "-t", "-c", "select 1");
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo("1\n");
    assertThat(run.exit()).isZero();
  }

  /**
   * A local time zone asked for at connect (libpq's PGTZ, or PGOPTIONS) is not applied, and the
   * client is told so; UTC spelt any way, in SET too, is taken.
   */
  @Test
  void aLocalTimeZoneAskedForAtConnectIsSaidToBeUnapplied() throws Exception {
    for (java.util.Map<String, String> zone :
        List.of(
            java.util.Map.of("PGTZ", "Europe/Berlin"),
            java.util.Map.of("PGOPTIONS", "-c TimeZone=Europe/Berlin"))) {
      java.util.Map<String, String> env = new java.util.HashMap<>(zone);
      env.put("PGPASSWORD", "acme-secret");
      env.put("PGSSLMODE", "disable");
      Run run = run(server, "127.0.0.1", env, "-A", "-t", "-c", "select 1");
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out().strip()).isEqualTo("1");
      assertThat(run.err())
          .as("%s", zone)
          .contains(
              "WARNING:  TimeZone 'Europe/Berlin' is not applied: Lakestream writes timestamps"
                  + " in UTC (with their offset, +00). For local times write timestamp AT TIME"
                  + " ZONE 'Europe/Berlin'.");
    }
    Run utc =
        psql(
            "acme-secret",
            "-A",
            "-t",
            "-c",
            "SET TimeZone = '+00'",
            "-c",
            "SET TIME ZONE LOCAL",
            "-c",
            "SET TimeZone TO 'Etc/UTC'",
            "-c",
            "select 1");
    assertThat(utc.err()).isEmpty();
    assertThat(utc.exit()).isZero();
  }

  @Test
  void aWrongPasswordIsRefusedWithTheReason() throws Exception {
    Run run = psql("wrong", "-c", "select 1");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("password authentication failed for user \"acme\"");
  }

  @Test
  void rowsAndTypesPrintAsPostgresPrintsThem() throws Exception {
    Run run = psql("acme-secret", "-A", "-F", "|", "-c", "select * from typed");
    assertThat(run.err()).isEmpty();
    assertThat(run.out().lines().toList())
        .containsExactly(
            "b|i2|i4|i8|f4|f8|num|t|vc|tstz|ts|d|jb|j|bytes|longs|texts|doubles",
            "t|-7|123456|9007199254740993|1.5|-2.25e-10|-12345678.000912|héllo, \"world\"|varchar"
                + "|2026-12-06 07:57:21.123456+00|2026-01-02 03:04:05.000006|2026-12-06"
                + "|{\"http.route\": \"/users\"}|{\"a\":1}|\\x62696e|{1,-2,3}|{\"a b\",NULL,\"c,\\\"d\\\"\"}"
                + "|{0.5,2}",
            "|||||||||||||||||",
            "(2 rows)");
  }

  @Test
  void copyToAFileWithPsqlInCsvAndTextAndCopyFromIsRefused(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("typed.csv");
    Run run =
        psql(
            "acme-secret",
            "-c",
            "\\copy (select * from typed) to '" + csv + "' with (format csv, header)");
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo("COPY 2\n");
    assertThat(Files.readString(csv))
        .isEqualTo(
            "b,i2,i4,i8,f4,f8,num,t,vc,tstz,ts,d,jb,j,bytes,longs,texts,doubles\n"
                + "t,-7,123456,9007199254740993,1.5,-2.25e-10,-12345678.000912,"
                + "\"héllo, \"\"world\"\"\",varchar,2026-12-06 07:57:21.123456+00,"
                + "2026-01-02 03:04:05.000006,2026-12-06,\"{\"\"http.route\"\": \"\"/users\"\"}\","
                + "\"{\"\"a\"\":1}\",\\x62696e,\"{1,-2,3}\","
                + "\"{\"\"a b\"\",NULL,\"\"c,\\\"\"d\\\"\"\"\"}\",\"{0.5,2}\"\n"
                + ",,,,,,,,,,,,,,,,,\n");

    // the older words psql users write, and the text format (tabs, \N, backslash escapes)
    Path text = dir.resolve("typed.txt");
    run = psql("acme-secret", "-c", "\\copy typed to '" + text + "'");
    assertThat(run.err()).isEmpty();
    assertThat(Files.readString(text))
        .isEqualTo(
            String.join(
                    "\t",
                    "t",
                    "-7",
                    "123456",
                    "9007199254740993",
                    "1.5",
                    "-2.25e-10",
                    "-12345678.000912",
                    "héllo, \"world\"",
                    "varchar",
                    "2026-12-06 07:57:21.123456+00",
                    "2026-01-02 03:04:05.000006",
                    "2026-12-06",
                    "{\"http.route\": \"/users\"}",
                    "{\"a\":1}",
                    "\\\\x62696e",
                    "{1,-2,3}",
                    "{\"a b\",NULL,\"c,\\\\\"d\\\\\"\"}",
                    "{0.5,2}")
                + "\n"
                + String.join("\t", java.util.Collections.nCopies(18, "\\N"))
                + "\n");
    Run legacy = psql("acme-secret", "-c", "copy (select * from typed) to stdout with csv header");
    assertThat(legacy.err()).isEmpty();
    assertThat(legacy.out()).isEqualTo(Files.readString(csv));

    Run from = psql("acme-secret", "-c", "\\copy typed from '" + csv + "' csv header");
    assertThat(from.exit()).isEqualTo(1);
    assertThat(from.err()).contains("COPY … FROM is not supported");
    Run toFile = psql("acme-secret", "-c", "copy typed to '/tmp/x.csv'");
    assertThat(toFile.err()).contains("not to a file or program on the server");
    Run binary = psql("acme-secret", "-c", "copy typed to stdout (format binary)");
    assertThat(binary.err()).contains("COPY's binary format is not supported");
  }

  @Test
  void listTablesAndDescribeOne() throws Exception {
    Run list = psql("acme-secret", "-c", "\\dt");
    assertThat(list.err()).isEmpty();
    assertThat(list.out())
        .contains("List of relations")
        .containsPattern("public \\| events\\s+\\| table \\| lakestream")
        .containsPattern("public \\| numbers\\s+\\| table \\| lakestream")
        .contains("(2 rows)");

    Run pattern = psql("acme-secret", "-c", "\\dt num*");
    assertThat(pattern.out()).contains("numbers").doesNotContain("events").contains("(1 row)");
    Run relations = psql("acme-secret", "-c", "\\d");
    assertThat(relations.out()).contains("events").contains("numbers");

    Run describe = psql("acme-secret", "-c", "\\d events");
    assertThat(describe.err()).isEmpty();
    assertThat(describe.out())
        .contains("Table \"public.events\"")
        .containsPattern("timestamp\\s+\\| timestamp with time zone \\|\\s+\\| not null")
        .containsPattern("event_type\\s+\\| text\\s+\\|\\s+\\| not null")
        .containsPattern("attributes\\s+\\| jsonb");

    Run missing = psql("acme-secret", "-c", "\\d nothing");
    assertThat(missing.err()).contains("Did not find any relation named \"nothing\"");
  }

  @Test
  void listDatabasesAndSchemas() throws Exception {
    Run databases = psql("acme-secret", "-A", "-c", "\\l");
    assertThat(databases.err()).isEmpty();
    assertThat(databases.out())
        .contains("List of databases")
        .containsPattern("(?m)^lakestream\\|lakestream\\|UTF8\\|")
        .contains("(1 row)");
    Run schemas = psql("acme-secret", "-A", "-c", "\\dn");
    assertThat(schemas.err()).isEmpty();
    assertThat(schemas.out())
        .contains("List of schemas")
        .contains("public|lakestream")
        .contains("(1 row)");
  }

  @Test
  void errorsShowTheirMessage() throws Exception {
    Run run = psql("acme-secret", "-c", "select * from missing");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("ERROR:  There is no table 'missing'.");
  }
}
