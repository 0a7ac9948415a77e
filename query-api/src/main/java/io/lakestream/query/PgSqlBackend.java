package io.lakestream.query;

import static java.util.Objects.requireNonNull;

import io.lakestream.pgwire.PgBackend;
import io.lakestream.pgwire.PgColumn;
import io.lakestream.pgwire.PgEncodedRows;
import io.lakestream.pgwire.PgErrors;
import io.lakestream.pgwire.PgException;
import io.lakestream.pgwire.PgResult;
import io.lakestream.pgwire.PgSession;
import io.lakestream.pgwire.PgTable;
import io.lakestream.pgwire.PgType;
import io.lakestream.query.internal.AccessPolicy;
import io.lakestream.query.internal.AccessPolicy.Principal;
import io.lakestream.query.internal.SqlService;
import io.lakestream.schema.Column;
import io.lakestream.schema.ColumnType;
import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;
import io.lakestream.schema.ProjectIds;
import io.lakestream.schema.TableDefinition;
import io.lakestream.sql.QueryResult;
import io.lakestream.sql.ResultBatches;
import io.lakestream.sql.ResultColumn;
import io.lakestream.sql.SqlType;
import io.lakestream.sql.StatementCancel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;

/**
 * The PostgreSQL protocol's backend in the query sidecar: the password is a bearer token (the
 * project's, or the admin's), and statements run through {@link SqlService} with the same checks as
 * {@code POST /v1/sql}. Parameters ({@code $1}, …) go to the SQL engine as values, never into the
 * statement's text; result columns carry the engine's types, and rows are read from the engine as
 * the protocol writes them.
 */
final class PgSqlBackend implements PgBackend {
  private final AccessPolicy access;
  private final QueryConfig config;
  private final SqlService service;

  /**
   * A backend checking passwords with {@code access} (tokens from {@code config}), over {@code
   * service}.
   */
  PgSqlBackend(AccessPolicy access, QueryConfig config, SqlService service) {
    this.access = requireNonNull(access, "access is null");
    this.config = requireNonNull(config, "config is null");
    this.service = requireNonNull(service, "service is null");
  }

  @Override
  public Object authenticate(String user, String database, String password) {
    Principal principal;
    try {
      principal = access.authenticate("Bearer " + password);
    } catch (LakestreamException e) {
      throw PgErrors.badPassword(user);
    }
    if (!principal.admin() && !principal.mayRead(user)) {
      throw new PgException(
          PgErrors.INVALID_PASSWORD,
          "password authentication failed for user \"" + user + "\"",
          "The token is a token of " + String.join(", ", principal.projects()) + ".",
          "Connect with the project id as the user name (psql -U <project>).");
    }
    return principal;
  }

  @Override
  public Collection<String> passwords(String user) {
    Set<String> passwords = new LinkedHashSet<>();
    config.adminToken().ifPresent(passwords::add);
    passwords.addAll(config.projectTokens().getOrDefault(ProjectIds.normalize(user), Set.of()));
    return passwords;
  }

  @Override
  public PgResult execute(PgSession session, String sql, List<Object> parameters) {
    Optional<String> project =
        ProjectIds.isValid(ProjectIds.normalize(session.user()))
            ? Optional.of(ProjectIds.normalize(session.user()))
            : Optional.empty();
    QueryResult result;
    StatementCancel cancel = new StatementCancel();
    session.onCancel(cancel::cancel);
    try {
      result = service.run((Principal) session.principal(), sql, parameters, project, cancel);
    } catch (LakestreamException e) {
      throw error(e);
    }
    if (result.columns().isEmpty()) {
      try (result) {
        String tag = tag(sql);
        return new PgResult.Command(tag.equals("INSERT INTO") ? "INSERT 0 " + result.count() : tag);
      }
    }
    List<PgColumn> columns = new ArrayList<>();
    for (ResultColumn column : result.columns()) {
      columns.add(new PgColumn(column.name(), type(column)));
    }
    Rows rows = new Rows(result, columns);
    return new PgResult.Rows(columns, rows, rows::close);
  }

  /**
   * The columns of a statement before its parameters are bound, found without reading any row (the
   * default would run the whole query with null parameters).
   */
  @Override
  public List<PgColumn> describe(PgSession session, String sql, List<PgType> parameterTypes) {
    List<Object> unbound = new ArrayList<>(Collections.nCopies(parameterTypes.size(), null));
    List<PgColumn> columns = new ArrayList<>();
    try {
      for (ResultColumn column : service.describe(sql, unbound)) {
        columns.add(new PgColumn(column.name(), type(column)));
      }
    } catch (LakestreamException e) {
      throw error(e);
    }
    return columns;
  }

  @Override
  public List<PgTable> tables(PgSession session) {
    List<PgTable> tables = new ArrayList<>();
    for (TableDefinition table : service.tableTypes()) {
      List<PgTable.Column> columns = new ArrayList<>();
      for (Column column : table.columns()) {
        columns.add(
            new PgTable.Column(
                column.name(),
                type(column.type()),
                column.nullable(),
                column.doc() == null ? "" : column.doc()));
      }
      tables.add(new PgTable(table.name(), columns, table.description()));
    }
    return tables;
  }

  /**
   * The rows of a result, read from the engine one at a time as the protocol asks for them: as
   * values, or, when the engine gives the result's types as Arrow batches that {@link PgBatchRow}
   * reads, encoded straight from the batches in the formats the client asked for.
   */
  static final class Rows implements Iterator<List<?>>, PgEncodedRows {
    private final QueryResult result;
    private final List<PgColumn> columns;
    private Boolean hasNext;
    private boolean read; // a row was read, or encodes decided
    private ResultBatches batches;
    private FieldVector[] vectors;
    private PgBatchRow encoded;
    private int row;
    private int batchRows;

    Rows(QueryResult result, List<PgColumn> columns) {
      this.result = result;
      this.columns = columns;
    }

    @Override
    public boolean encodes(boolean[] binary) {
      if (read) {
        return batches != null;
      }
      read = true;
      if (!PgBatchRow.reads(result.columns())) {
        return false;
      }
      try {
        batches = result.batches(PgBatchRow.BATCH_ROWS);
      } catch (UnsupportedOperationException e) {
        return false; // rows held in memory
      } catch (LakestreamException e) {
        throw error(e);
      }
      vectors = batches.batch().getFieldVectors().toArray(FieldVector[]::new);
      encoded =
          new PgBatchRow(result.columns(), columns.stream().map(PgColumn::type).toList(), binary);
      return true;
    }

    @Override
    public boolean hasNext() {
      if (hasNext == null) {
        read = true;
        try {
          if (batches == null) {
            hasNext = result.next();
          } else {
            while (row >= batchRows) {
              if (!batches.next()) {
                hasNext = false;
                return false;
              }
              row = 0;
              batchRows = batches.batch().getRowCount();
            }
            hasNext = true;
          }
        } catch (LakestreamException e) {
          throw error(e);
        }
      }
      return hasNext;
    }

    @Override
    public List<?> next() {
      if (batches != null) {
        throw new IllegalStateException("the rows are read encoded");
      }
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      hasNext = null;
      List<Object> row = new ArrayList<>(columns.size());
      for (int i = 0; i < columns.size(); i++) {
        row.add(value(columns.get(i).type(), result.value(i)));
      }
      return row;
    }

    @Override
    public void nextEncoded() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      hasNext = null;
      encoded.read(vectors, row++);
    }

    @Override
    public byte[] encodedBytes() {
      return encoded.bytes();
    }

    @Override
    public int encodedStart(int column) {
      return encoded.start(column);
    }

    @Override
    public int encodedLength(int column) {
      return encoded.length(column);
    }

    /** Releases the batches, then the result. */
    void close() {
      try {
        if (batches != null) {
          batches.close();
        }
      } finally {
        result.close();
      }
    }
  }

  private static String tag(String statement) {
    String[] words = statement.strip().split("\\s+", 3);
    return (words[0] + (words.length > 1 ? " " + words[1] : "")).toUpperCase(Locale.ROOT);
  }

  /** A failure as the client sees it: the SQLSTATE of its kind, its message. */
  private static PgException error(LakestreamException e) {
    return new PgException(sqlState(e.kind()), e.getMessage(), null, null);
  }

  /** The one place where kinds of failure become SQLSTATE codes. */
  static String sqlState(ErrorKind kind) {
    return switch (kind) {
      case BAD_REQUEST -> PgErrors.INVALID_PARAMETER_VALUE;
      case SYNTAX_ERROR -> PgErrors.SYNTAX_ERROR;
      case UNDEFINED_TABLE, NOT_FOUND -> PgErrors.UNDEFINED_TABLE;
      case UNDEFINED_COLUMN -> PgErrors.UNDEFINED_COLUMN;
      case UNDEFINED_FUNCTION -> PgErrors.UNDEFINED_FUNCTION;
      case INVALID_DATA -> PgErrors.DATA_EXCEPTION;
      case UNSUPPORTED, NOT_ACCEPTABLE -> PgErrors.FEATURE_NOT_SUPPORTED;
      case LIMIT_EXCEEDED -> PgErrors.PROGRAM_LIMIT_EXCEEDED;
      case CANCELED -> PgErrors.QUERY_CANCELED;
      case UNAUTHENTICATED -> PgErrors.INVALID_PASSWORD;
      case FORBIDDEN -> PgErrors.INSUFFICIENT_PRIVILEGE;
      case CONFLICT -> PgErrors.DUPLICATE_TABLE;
      case UNAVAILABLE -> PgErrors.SYSTEM_ERROR;
      case INTERNAL -> PgErrors.INTERNAL_ERROR;
    };
  }

  /** The PostgreSQL type of a table column (for the catalog: {@code \\d}, information_schema). */
  static PgType type(ColumnType type) {
    return switch (type) {
      case BOOLEAN -> PgType.BOOL;
      case INT -> PgType.INT4;
      case LONG -> PgType.INT8;
      case FLOAT -> PgType.FLOAT4;
      case DOUBLE -> PgType.FLOAT8;
      case STRING -> PgType.TEXT;
      case BYTES -> PgType.BYTEA;
      case TIMESTAMP -> PgType.TIMESTAMPTZ;
      case DATE -> PgType.DATE;
      case JSON -> PgType.JSONB;
      case ARRAY_LONG -> PgType.INT8_ARRAY;
      case ARRAY_DOUBLE -> PgType.FLOAT8_ARRAY;
      case ARRAY_STRING -> PgType.TEXT_ARRAY;
    };
  }

  /**
   * The PostgreSQL type of a result column; types PostgreSQL clients have no common codec for here
   * (time, interval, uuid, structs) are sent as text.
   */
  static PgType type(ResultColumn column) {
    if (column.type() == SqlType.ARRAY) {
      return switch (column.elementType().orElseThrow()) {
        case BOOLEAN -> PgType.BOOL_ARRAY;
        case SMALLINT -> PgType.INT2_ARRAY;
        case INTEGER -> PgType.INT4_ARRAY;
        case BIGINT -> PgType.INT8_ARRAY;
        case REAL -> PgType.FLOAT4_ARRAY;
        case DOUBLE -> PgType.FLOAT8_ARRAY;
        case NUMERIC -> PgType.NUMERIC_ARRAY;
        case DATE -> PgType.DATE_ARRAY;
        case TIMESTAMPTZ -> PgType.TIMESTAMPTZ_ARRAY;
        case JSON -> PgType.JSONB_ARRAY;
        default -> PgType.TEXT_ARRAY;
      };
    }
    return switch (column.type()) {
      case BOOLEAN -> PgType.BOOL;
      case SMALLINT -> PgType.INT2;
      case INTEGER -> PgType.INT4;
      case BIGINT -> PgType.INT8;
      case REAL -> PgType.FLOAT4;
      case DOUBLE -> PgType.FLOAT8;
      case NUMERIC -> PgType.NUMERIC;
      case BYTEA -> PgType.BYTEA;
      case DATE -> PgType.DATE;
      case TIMESTAMP -> PgType.TIMESTAMP;
      case TIMESTAMPTZ -> PgType.TIMESTAMPTZ;
      case JSON -> PgType.JSONB;
      case TEXT, TIME, INTERVAL, UUID, ARRAY -> PgType.TEXT;
    };
  }

  /** A value as {@link PgType} writes it: what is sent as text becomes its text. */
  private static Object value(PgType type, Object value) {
    if (value == null) {
      return null;
    }
    if (type == PgType.TEXT && !(value instanceof String)) {
      return value.toString();
    }
    if (type == PgType.TEXT_ARRAY && value instanceof List<?> list) {
      List<String> texts = new ArrayList<>(list.size());
      list.forEach(v -> texts.add(v == null ? null : v.toString()));
      return texts;
    }
    return value;
  }
}
