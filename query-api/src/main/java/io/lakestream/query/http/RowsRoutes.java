package io.lakestream.query.http;

import io.javalin.http.Context;
import io.lakestream.query.QueryConfig;
import io.lakestream.query.internal.AccessPolicy.Principal;
import io.lakestream.query.internal.QueryService;
import io.lakestream.reader.ReadPlan;
import io.lakestream.reader.RowFormat;
import io.lakestream.reader.RowQuery;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.reader.TimestampStyle;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Function;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Row reads: {@code GET .../rows?from=&to=&limit=&columns=&order=&cursor=&timestamps=} and {@code
 * GET .../rows/{key}}. The page is planned first (key column only), so its row count and next
 * cursor go in headers; then rows stream in the negotiated format.
 */
final class RowsRoutes {
  /** The header carrying the cursor of the next page, absent on the last page. */
  static final String NEXT_CURSOR = "Lakestream-Next-Cursor";

  /** The header carrying the number of rows in the body. */
  static final String ROW_COUNT = "Lakestream-Row-Count";

  /** The header carrying the Delta version read. */
  static final String TABLE_VERSION = "Lakestream-Table-Version";

  private static final Logger log = LoggerFactory.getLogger(RowsRoutes.class);

  private final QueryService service;
  private final QueryConfig config;

  RowsRoutes(QueryService service, QueryConfig config) {
    this.service = service;
    this.config = config;
  }

  void range(Context ctx) throws IOException {
    read(
        ctx,
        table ->
            RowQuery.range(
                table.definition(),
                ctx.queryParam("from"),
                ctx.queryParam("to"),
                ctx.queryParam("limit"),
                ctx.queryParam("columns"),
                ctx.queryParam("order"),
                ctx.queryParam("cursor"),
                config.defaultLimit(),
                config.maxLimit()));
  }

  void point(Context ctx) throws IOException {
    read(
        ctx,
        table ->
            RowQuery.point(
                table.definition(),
                ctx.pathParam("key"),
                ctx.queryParam("limit"),
                ctx.queryParam("columns"),
                ctx.queryParam("order"),
                ctx.queryParam("cursor"),
                config.maxLimit()));
  }

  /**
   * Reads the path's table for the caller: the format and timestamp style asked for, the table's
   * snapshot (access checked), then the query the route makes of the request for that table.
   */
  private void read(Context ctx, Function<TableSnapshot, RowQuery> query) throws IOException {
    Principal principal = HttpApi.caller(ctx);
    RowFormat format = RowFormat.negotiate(ctx.queryParam("format"), ctx.header("Accept"));
    TimestampStyle timestamps = TimestampStyle.of(ctx.queryParam("timestamps"), format);
    TableSnapshot table =
        service.snapshot(principal, ctx.pathParam("project"), ctx.pathParam("table"));
    respond(ctx, table, query.apply(table), format, timestamps);
  }

  private void respond(
      Context ctx, TableSnapshot table, RowQuery query, RowFormat format, TimestampStyle timestamps)
      throws IOException {
    ReadPlan plan = service.plan(table, query);
    HttpServletResponse response = ctx.res();
    response.setStatus(200);
    response.setContentType(
        format == RowFormat.ARROW ? format.mediaType() : format.mediaType() + "; charset=utf-8");
    response.setHeader(ROW_COUNT, Long.toString(plan.rowCount()));
    response.setHeader(TABLE_VERSION, Long.toString(plan.snapshot().version()));
    plan.next().ifPresent(cursor -> response.setHeader(NEXT_CURSOR, cursor.encode()));
    if (ctx.req().getMethod().equals("HEAD")) {
      return; // the status and headers of the GET, without reading the rows
    }
    try {
      // Not flushed here: Jetty completes the response after the handler, so a body that fits its
      // buffer goes out whole with a Content-Length; larger ones are streamed in chunks.
      OutputStream out = response.getOutputStream();
      service.stream(plan, query, format, timestamps, out);
    } catch (EofException e) {
      log.debug("{} {}: the client went away", ctx.method(), ctx.path());
    }
  }
}
