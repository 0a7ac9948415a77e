package io.lakestream.query.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import io.lakestream.query.QueryConfig;
import io.lakestream.query.internal.AccessPolicy;
import io.lakestream.query.internal.AccessPolicy.Principal;
import io.lakestream.query.internal.ProjectService;
import io.lakestream.query.internal.QueryMetrics;
import io.lakestream.query.internal.QueryService;
import io.lakestream.query.internal.SqlService;
import io.lakestream.reader.QueryErrors;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The query API's HTTP server: every route, grouped by resource, and the one place where failures
 * become JSON error responses ({@link ErrorResponses}). The routes that read a JSON body declare
 * its fields, and every such body is checked here, once, before its route runs ({@link
 * BodyFields}): a field its route does not take is refused, never ignored.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>GET /v1/projects/{project}/tables/{table}/rows</td><td>key range read</td></tr>
 *   <tr><td>GET /v1/projects/{project}/tables/{table}/rows/{key}</td><td>rows of one key</td></tr>
 *   <tr><td>GET /v1/projects/{project}/tables/{table}</td><td>table status</td></tr>
 *   <tr><td>GET /list_tables</td><td>tables the token may read</td></tr>
 *   <tr><td>POST /register_project</td><td>register a project's bucket (admin)</td></tr>
 *   <tr><td>POST, GET /v1/projects; GET, DELETE /v1/projects/{project}</td><td>project
 *       registrations</td></tr>
 *   <tr><td>POST /v1/sql</td><td>a SQL statement</td></tr>
 *   <tr><td>POST, GET /v1/tables; GET, DELETE /v1/tables/{name}</td><td>table types</td></tr>
 *   <tr><td>GET /health, /ready, /metrics, /openapi.json</td><td>operations</td></tr>
 * </table>
 */
public final class HttpApi {
  static final String ROUTE_ATTRIBUTE = "lakestream.route";
  static final String START_ATTRIBUTE = "lakestream.start";
  static final String CALLER_ATTRIBUTE = "lakestream.caller";

  private HttpApi() {}

  /**
   * What the routes call: reads and status ({@code query}), SQL and table types ({@code sql}),
   * projects ({@code projects}), who may do what ({@code access}), and the meters of every request.
   */
  public record Services(
      QueryConfig config,
      AccessPolicy access,
      QueryMetrics metrics,
      QueryService query,
      SqlService sql,
      ProjectService projects) {
    public Services {
      requireNonNull(config, "config is null");
      requireNonNull(access, "access is null");
      requireNonNull(metrics, "metrics is null");
      requireNonNull(query, "query is null");
      requireNonNull(sql, "sql is null");
      requireNonNull(projects, "projects is null");
    }
  }

  /**
   * A route: method, path (Javalin syntax, also OpenAPI's), handler, the fields of its JSON body
   * (for a route that reads one), and whether a caller must authenticate first (every {@code /v1}
   * route and the two older ones; not the operations routes, which check their own token or none).
   */
  record Route(
      HandlerType method,
      String path,
      io.javalin.http.Handler handler,
      Optional<BodyFields> bodyFields) {
    Route(HandlerType method, String path, io.javalin.http.Handler handler) {
      this(method, path, handler, Optional.empty());
    }

    Route(HandlerType method, String path, io.javalin.http.Handler handler, BodyFields body) {
      this(method, path, handler, Optional.of(body));
    }

    boolean authenticated() {
      return path.startsWith("/v1/")
          || path.equals("/list_tables")
          || path.equals("/register_project");
    }
  }

  /**
   * The caller of a request to an authenticated route, authenticated once before its handler ran.
   */
  static Principal caller(Context ctx) {
    Principal caller = ctx.attribute(CALLER_ATTRIBUTE);
    if (caller == null) {
      throw new IllegalStateException(
          "route " + ctx.attribute(ROUTE_ATTRIBUTE) + " is not authenticated");
    }
    return caller;
  }

  /** {@code handler}, after the request's caller is authenticated and put on the context. */
  private static io.javalin.http.Handler authenticated(
      AccessPolicy access, io.javalin.http.Handler handler) {
    return ctx -> {
      ctx.attribute(CALLER_ATTRIBUTE, access.authenticate(ctx.header("Authorization")));
      handler.handle(ctx);
    };
  }

  /**
   * {@code handler}, after the request's JSON body is checked to carry only {@code fields} (a body
   * that is not a JSON object is left to the handler, which says so in its own terms).
   */
  private static io.javalin.http.Handler checkingBody(
      Route route, BodyFields fields, io.javalin.http.Handler handler) {
    String name = route.method().name() + " " + route.path();
    return ctx -> {
      JsonNode body;
      try {
        body = ErrorResponses.JSON.readTree(ctx.bodyAsBytes());
      } catch (IOException e) {
        body = null;
      }
      if (body != null) {
        fields.check(name, body);
      }
      handler.handle(ctx);
    };
  }

  /** The routes of the API, in the order they are documented. */
  static List<Route> routes(Services services, Optional<PrometheusMeterRegistry> prometheus) {
    RowsRoutes rows = new RowsRoutes(services.query(), services.config());
    TablesRoutes tables =
        new TablesRoutes(services.query(), services.projects(), services.config());
    ProjectsRoutes projects = new ProjectsRoutes(services.projects());
    OperationsRoutes operations =
        new OperationsRoutes(services.query(), services.access(), prometheus);
    SqlRoutes sql = new SqlRoutes(services.sql());
    List<Route> routes = new ArrayList<>();
    routes.add(
        new Route(HandlerType.GET, "/v1/projects/{project}/tables/{table}/rows", rows::range));
    routes.add(
        new Route(
            HandlerType.GET, "/v1/projects/{project}/tables/{table}/rows/{key}", rows::point));
    routes.add(new Route(HandlerType.GET, "/v1/projects/{project}/tables/{table}", tables::status));
    routes.add(new Route(HandlerType.GET, "/list_tables", tables::list));
    routes.add(
        new Route(
            HandlerType.POST,
            "/register_project",
            projects::register,
            ProjectsRoutes.BUCKET_REGISTRATION_FIELDS));
    routes.add(
        new Route(
            HandlerType.POST,
            "/v1/projects",
            projects::create,
            ProjectsRoutes.REGISTRATION_FIELDS));
    routes.add(new Route(HandlerType.GET, "/v1/projects", projects::list));
    routes.add(new Route(HandlerType.GET, "/v1/projects/{project}", projects::get));
    routes.add(new Route(HandlerType.DELETE, "/v1/projects/{project}", projects::delete));
    routes.add(new Route(HandlerType.POST, "/v1/sql", sql::execute, SqlRoutes.STATEMENT_FIELDS));
    routes.add(new Route(HandlerType.POST, "/v1/tables", sql::create, SqlRoutes.TABLE_TYPE_FIELDS));
    routes.add(new Route(HandlerType.GET, "/v1/tables", sql::list));
    routes.add(new Route(HandlerType.GET, "/v1/tables/{name}", sql::get));
    routes.add(new Route(HandlerType.DELETE, "/v1/tables/{name}", sql::drop));
    routes.add(new Route(HandlerType.GET, "/health", operations::health));
    routes.add(new Route(HandlerType.GET, "/ready", operations::ready));
    routes.add(new Route(HandlerType.GET, "/metrics", operations::metrics));
    routes.add(new Route(HandlerType.GET, "/openapi.json", operations::openApi));
    return routes;
  }

  /** The server, not started. */
  public static Javalin create(Services services, Optional<PrometheusMeterRegistry> prometheus) {
    return create(services, prometheus, route -> {});
  }

  /**
   * The server, not started; {@code registered} is told {@code "GET /path"} for every route Javalin
   * registers (tests check that the OpenAPI document describes each one).
   */
  public static Javalin create(
      Services services,
      Optional<PrometheusMeterRegistry> prometheus,
      Consumer<String> registered) {
    List<Route> routes = routes(services, prometheus);
    return Javalin.create(
        config -> {
          config.startup.showJavalinBanner = false;
          config.jsonMapper(new JavalinJackson(ErrorResponses.JSON, false));
          config.http.compressionStrategy = CompressionStrategy.NONE;
          QueuedThreadPool threads = new QueuedThreadPool(32, 4);
          threads.setName("lakestream-query-http");
          threads.setDaemon(true);
          config.jetty.threadPool = threads;
          config.router.handlerWrapper(
              endpoint ->
                  ctx -> {
                    if (!endpoint.path.equals("*")) {
                      ctx.attribute(ROUTE_ATTRIBUTE, endpoint.path);
                    }
                    try {
                      endpoint.handler.handle(ctx);
                    } catch (StackOverflowError e) {
                      throw QueryErrors.tooComplex();
                    }
                  });
          config.events.handlerAdded(
              meta -> {
                HandlerType method = meta.getHttpMethod();
                if (method.equals(HandlerType.GET)
                    || method.equals(HandlerType.POST)
                    || method.equals(HandlerType.DELETE)) {
                  registered.accept(method.name() + " " + meta.getPath());
                }
              });
          config.routes.before(
              ctx -> {
                ctx.attribute(START_ATTRIBUTE, System.nanoTime());
                refuseMethodOverride(ctx);
              });
          config.routes.after(ctx -> recordRequest(services.metrics(), ctx));
          for (Route route : routes) {
            io.javalin.http.Handler handler =
                route
                    .bodyFields()
                    .map(fields -> checkingBody(route, fields, route.handler()))
                    .orElse(route.handler());
            if (route.authenticated()) {
              handler = authenticated(services.access(), handler);
            }
            if (route.method().equals(HandlerType.GET)) {
              config.routes.get(route.path(), handler);
              // Javalin answers HEAD of a GET route by itself, without running its handler (so
              // without authentication): HEAD runs the GET handler, Jetty drops the body.
              config.routes.head(route.path(), handler);
            } else if (route.method().equals(HandlerType.POST)) {
              config.routes.post(route.path(), handler);
            } else if (route.method().equals(HandlerType.DELETE)) {
              config.routes.delete(route.path(), handler);
            } else {
              throw new IllegalStateException("unexpected method " + route.method());
            }
          }
          ErrorResponses.register(config.routes);
          ErrorResponses.register(config.jetty);
        });
  }

  /**
   * Headers that ask a server to treat a request as another method. Javalin honours the first one
   * ({@code ctx.method()} reads it, and routes by it), so a POST could act as a DELETE and
   * unregister a project; requests carrying any of them are refused before routing.
   */
  static final List<String> METHOD_OVERRIDE_HEADERS =
      List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

  private static void refuseMethodOverride(Context ctx) {
    for (String header : METHOD_OVERRIDE_HEADERS) {
      if (ctx.req().getHeader(header) != null) {
        throw QueryErrors.methodOverride(header, ctx.req().getMethod());
      }
    }
  }

  private static void recordRequest(QueryMetrics metrics, Context ctx) {
    Long start = ctx.attribute(START_ATTRIBUTE);
    if (start == null) {
      return;
    }
    String route = ctx.attribute(ROUTE_ATTRIBUTE);
    metrics.request(
        HandlerType.findOrDefault(ctx.req().getMethod()).name(),
        route == null ? "unmatched" : route,
        ctx.statusCode(),
        System.nanoTime() - start);
  }
}
