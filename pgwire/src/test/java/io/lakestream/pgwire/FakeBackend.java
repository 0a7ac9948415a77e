package io.lakestream.pgwire;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A hand-written backend for protocol tests: user {@code acme} with password {@code acme-secret},
 * the admin password {@code admin-secret} for any user, and a few fixed statements.
 */
final class FakeBackend implements PgBackend {
  static final Instant TIME = Instant.parse("2026-12-06T07:57:21.123456Z");
  static final List<PgColumn> TYPED =
      List.of(
          new PgColumn("b", PgType.BOOL),
          new PgColumn("i2", PgType.INT2),
          new PgColumn("i4", PgType.INT4),
          new PgColumn("i8", PgType.INT8),
          new PgColumn("f4", PgType.FLOAT4),
          new PgColumn("f8", PgType.FLOAT8),
          new PgColumn("num", PgType.NUMERIC),
          new PgColumn("t", PgType.TEXT),
          new PgColumn("vc", PgType.VARCHAR),
          new PgColumn("tstz", PgType.TIMESTAMPTZ),
          new PgColumn("ts", PgType.TIMESTAMP),
          new PgColumn("d", PgType.DATE),
          new PgColumn("jb", PgType.JSONB),
          new PgColumn("j", PgType.JSON),
          new PgColumn("bytes", PgType.BYTEA),
          new PgColumn("longs", PgType.INT8_ARRAY),
          new PgColumn("texts", PgType.TEXT_ARRAY),
          new PgColumn("doubles", PgType.FLOAT8_ARRAY));
  static final List<Object> TYPED_ROW =
      Arrays.asList(
          true,
          (short) -7,
          123_456,
          9_007_199_254_740_993L,
          1.5f,
          -2.25e-10,
          new BigDecimal("-12345678.000912"),
          "héllo, \"world\"",
          "varchar",
          TIME,
          LocalDateTime.of(2026, 1, 2, 3, 4, 5, 6_000),
          LocalDate.of(2026, 12, 6),
          "{\"http.route\": \"/users\"}",
          "{\"a\":1}",
          "bin".getBytes(StandardCharsets.UTF_8),
          List.of(1L, -2L, 3L),
          Arrays.asList("a b", null, "c,\"d\""),
          List.of(0.5, 2.0));

  /** The values of {@code select numerics}, one a row. */
  static final List<Object> NUMERICS =
      Arrays.asList(
          new BigDecimal("0.00"),
          new BigDecimal("-0.00001234"),
          new BigDecimal("170141183460469231731687303715884105727"),
          new BigDecimal("1E+20"),
          2.5,
          Double.NaN,
          Double.POSITIVE_INFINITY,
          Float.NEGATIVE_INFINITY,
          null);

  final AtomicLong bigRowsProduced = new AtomicLong();
  final AtomicLong slowRowsProduced = new AtomicLong();
  final AtomicBoolean slowClosed = new AtomicBoolean();

  @Override
  public Object authenticate(String user, String database, String password) {
    if (password.equals("admin-secret")) {
      return "admin";
    }
    if (user.equals("acme") && password.equals("acme-secret")) {
      return "acme";
    }
    if (password.isEmpty()) {
      return "trusted:" + user;
    }
    throw PgErrors.badPassword(user);
  }

  @Override
  public Collection<String> passwords(String user) {
    return user.equals("acme") ? List.of("admin-secret", "acme-secret") : List.of("admin-secret");
  }

  @Override
  public PgResult execute(PgSession session, String sql, List<Object> parameters) {
    String s = sql.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    if (s.equals("select * from typed")) {
      List<Object> nulls = new ArrayList<>();
      TYPED.forEach(c -> nulls.add(null));
      return PgResult.Rows.of(TYPED, List.of(TYPED_ROW, nulls));
    }
    if (s.startsWith("select echo")) {
      List<List<?>> rows = new ArrayList<>();
      for (Object p : parameters) {
        rows.add(
            Arrays.asList(
                p == null ? null : p.getClass().getSimpleName(),
                p == null ? null : p instanceof byte[] b ? new String(b) : p.toString()));
      }
      return PgResult.Rows.of(
          List.of(new PgColumn("class", PgType.TEXT), new PgColumn("value", PgType.TEXT)), rows);
    }
    if (s.equals("select principal")) {
      return PgResult.Rows.of(
          List.of(new PgColumn("principal", PgType.TEXT)),
          List.of(List.of(session.principal().toString())));
    }
    if (s.startsWith("select n from big")) {
      long limit =
          parameters.isEmpty() || parameters.get(0) == null
              ? 100_000
              : ((Number) parameters.get(0)).longValue();
      Iterator<List<?>> rows =
          new Iterator<>() {
            long next;

            @Override
            public boolean hasNext() {
              return next < limit;
            }

            @Override
            public List<?> next() {
              bigRowsProduced.incrementAndGet();
              return List.of(next++);
            }
          };
      return new PgResult.Rows(List.of(new PgColumn("n", PgType.INT8)), rows, () -> {});
    }
    if (s.equals("select numerics")) {
      // numeric values as a backend may give them: BigDecimals and floats, NaN and infinities
      List<List<?>> rows = new ArrayList<>();
      for (Object value : NUMERICS) {
        rows.add(Arrays.asList(value));
      }
      return PgResult.Rows.of(List.of(new PgColumn("num", PgType.NUMERIC)), rows);
    }
    if (s.equals("select n from slow")) {
      Iterator<List<?>> rows =
          new Iterator<>() {
            @Override
            public boolean hasNext() {
              // After three rows, wait for a cancel, as a long scan would keep working.
              while (slowRowsProduced.get() >= 3 && !session.cancelRequested()) {
                LockSupport.parkNanos(1_000_000);
              }
              return true;
            }

            @Override
            public List<?> next() {
              return List.of(slowRowsProduced.incrementAndGet());
            }
          };
      return new PgResult.Rows(
          List.of(new PgColumn("n", PgType.INT8)), rows, () -> slowClosed.set(true));
    }
    if (s.startsWith("select * from missing")) {
      throw PgErrors.undefinedTable("There is no table 'missing'.");
    }
    if (s.startsWith("select * from forbidden")) {
      throw PgErrors.forbidden("This token does not read project 'globex'.");
    }
    if (s.startsWith("insert")) {
      return new PgResult.Command("INSERT 0 3");
    }
    if (s.equals("boom")) {
      throw new IllegalStateException("disk on fire");
    }
    throw PgErrors.syntax("The fake backend does not run: " + sql);
  }

  @Override
  public List<PgTable> tables(PgSession session) {
    return List.of(
        new PgTable("numbers", List.of(new PgTable.Column("n", PgType.INT8, false)), "Numbers."),
        new PgTable(
            "events",
            List.of(
                new PgTable.Column("timestamp", PgType.TIMESTAMPTZ, false),
                new PgTable.Column("event_type", PgType.TEXT, false, "What happened."),
                new PgTable.Column("attributes", PgType.JSONB, true)),
            "Application events."));
  }
}
