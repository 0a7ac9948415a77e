package io.lakestream.query.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.ProjectRegistration;
import io.lakestream.query.internal.AccessPolicy.Principal;
import io.lakestream.query.spi.BucketRegistration;
import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import io.lakestream.reader.TableId;
import io.lakestream.tables.TableRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Projects: registrations in the catalog (a project of the shared warehouse), registrations of
 * projects that bring their own bucket ({@link ProjectRegistry}), and the tables a token may read.
 * The one implementation behind {@code /v1/projects} and the seed design's {@code
 * /register_project} and {@code /list_tables}; no HTTP here.
 */
public final class ProjectService {
  private final Catalog catalog;
  private final ProjectRegistry buckets;
  private final AccessPolicy access;
  private final TableRegistry tables;
  private final Clock clock;

  public ProjectService(
      Catalog catalog,
      ProjectRegistry buckets,
      AccessPolicy access,
      TableRegistry tables,
      Clock clock) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.buckets = requireNonNull(buckets, "buckets is null");
    this.access = requireNonNull(access, "access is null");
    this.tables = requireNonNull(tables, "tables is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * A registered project and the tables the sidecar serves of it.
   *
   * @param tables the table types found for the project, in name order
   */
  public record Project(ProjectRegistration registration, List<String> tables) {
    public Project {
      requireNonNull(registration, "registration is null");
      tables = List.copyOf(tables);
    }
  }

  /**
   * The outcome of a registration.
   *
   * @param created false when the project was registered already (nothing changed)
   */
  public record Registered(Project project, boolean created) {}

  /**
   * Registers a project of the shared warehouse (admin only); a project registered already is left
   * as it is.
   *
   * @param projectId the project; null when the request names none
   * @throws QueryException forbidden for a non-admin; bad request when the request names no project
   * @throws io.lakestream.catalog.CatalogException (bad request) for an invalid project id
   */
  public Registered register(Principal principal, String projectId) {
    return register(principal, projectId, Optional.empty());
  }

  /**
   * Registers a project of the shared warehouse as {@link #register(Principal, String)}, and sets
   * the project's own retention of the table types named in {@code retention} (a duration such as
   * {@code 7d}, or null: back to the table type's own), registered already or not. A refused change
   * changes nothing.
   *
   * @throws io.lakestream.catalog.CatalogException (bad request) for an unknown table type, a key
   *     that is not a time, or a value that is not a duration
   */
  public Registered register(
      Principal principal, String projectId, Optional<Map<String, String>> retention) {
    access.checkAdmin(principal, "register projects");
    if (projectId == null) {
      throw QueryErrors.badRegistration(
          "the body must be a JSON object with project_id, e.g. {\"project_id\": \"acme\"}");
    }
    Optional<ProjectRegistration> existing = catalog.project(projectId);
    Instant now = Instant.ofEpochMilli(clock.millis());
    if (retention.isPresent()) {
      catalog.overrideRetention(projectId, retention.get(), now);
    } else if (existing.isEmpty()) {
      // an invalid id is the catalog's BAD_REQUEST: 400 saying what a project id is
      catalog.registerProject(ProjectRegistration.shared(projectId, now));
    }
    return new Registered(describe(catalog.project(projectId).orElseThrow()), existing.isEmpty());
  }

  /** The project's own retention of {@code table}, when its registration sets one. */
  public Optional<Duration> ownRetention(String projectId, String table) {
    return catalog.project(projectId).flatMap(p -> p.retention(table));
  }

  /**
   * Registers a project's table in the project's own bucket (admin only); see {@link
   * ProjectRegistry#register}.
   *
   * @throws QueryException forbidden for a non-admin; bad request for invalid fields or an
   *     unreachable bucket
   */
  public BucketRegistration registerBucket(Principal principal, ProjectRegistry.Request request) {
    access.checkAdmin(principal, "register projects");
    return buckets.register(request);
  }

  /** Every registered project the principal may read, by project id. */
  public List<Project> projects(Principal principal) {
    return catalog.projects().values().stream()
        .filter(p -> principal.mayRead(p.projectId()))
        .sorted(Comparator.comparing(ProjectRegistration::projectId))
        .map(this::describe)
        .toList();
  }

  /**
   * A registered project.
   *
   * @throws QueryException forbidden when the principal may not read it; not found when it is not
   *     registered
   */
  public Project project(Principal principal, String projectId) {
    access.checkProject(principal, projectId);
    return describe(catalog.project(projectId).orElseThrow(() -> notRegistered(projectId)));
  }

  /**
   * Removes a registration (admin only); the project's data stays.
   *
   * @throws QueryException forbidden for a non-admin; not found when it is not registered
   */
  public void unregister(Principal principal, String projectId) {
    access.checkAdmin(principal, "unregister projects");
    if (catalog.project(projectId).isEmpty()) {
      throw notRegistered(projectId);
    }
    catalog.unregisterProject(projectId);
  }

  /** The tables a principal may read: discovered ones and those of registered buckets. */
  public List<TableId> tables(Principal principal) {
    TreeSet<TableId> all = new TreeSet<>(tables.tables());
    for (BucketRegistration registration : buckets.all()) {
      for (String table : registration.tables()) {
        all.add(new TableId(registration.projectId(), table));
      }
    }
    return all.stream().filter(id -> principal.mayRead(id.project())).toList();
  }

  private Project describe(ProjectRegistration registration) {
    return new Project(registration, tables.tablesOf(registration.projectId()));
  }

  private static QueryException notRegistered(String projectId) {
    return QueryErrors.unregisteredProject(projectId);
  }
}
