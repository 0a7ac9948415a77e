package io.lakestream.catalog;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.ProjectAdmission;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The project rules of a deployment, over the catalog's registrations ({@code
 * projects.registration}):
 *
 * <ul>
 *   <li>{@link Mode#REQUIRED}: rows of a project are routed only once it is registered; the others
 *       go to the dead-letter topic as {@code unregistered_project} and can be replayed after
 *       registration. For multi-tenant deployments, where a typo in a project attribute must not
 *       create a new project's tables.
 *   <li>{@link Mode#AUTO}: every valid project is routed, and registered (shared warehouse) the
 *       first time a row of it is seen, so it is listed with the others. The default of {@code
 *       lakestream dev}.
 * </ul>
 */
public final class ProjectAdmissions {
  private static final Logger log = LoggerFactory.getLogger(ProjectAdmissions.class);

  /** How projects come to be registered. */
  public enum Mode {
    /** Only registered projects are routed. */
    REQUIRED,
    /** Every valid project is routed and registered on its first row. */
    AUTO;

    /** The mode named {@code value} ({@code required} or {@code auto}, any case). */
    public static Mode parse(String value) {
      try {
        return valueOf(requireNonNull(value, "value is null").strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "'" + value + "' is not a project registration mode. Use required or auto.");
      }
    }

    /** The name used in configuration: {@code required} or {@code auto}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private ProjectAdmissions() {}

  /**
   * The policy of {@code mode}: for {@link Mode#REQUIRED}, the projects registered in {@code
   * catalog} now; for {@link Mode#AUTO}, every project, registering those the catalog does not have
   * yet in the background (a catalog write never holds up the caller, a stream thread; a failed
   * registration is logged and tried again at the project's next row). Close it when done.
   */
  public static Policy of(Mode mode, Catalog catalog, Clock clock) {
    requireNonNull(catalog, "catalog is null");
    return switch (mode) {
      case REQUIRED -> projectId -> catalog.project(projectId).isPresent();
      case AUTO -> new AutoRegistration(catalog, clock);
    };
  }

  /** A project admission that may hold a thread until closed. */
  public interface Policy extends ProjectAdmission, AutoCloseable {
    @Override
    default void close() {}
  }

  /**
   * {@link Mode#AUTO}: admits every project and registers new ones in the background, those that
   * arrive together in one catalog write (a burst of new tenants is a few writes, not one each).
   */
  private static final class AutoRegistration implements Policy {
    /** The most projects registered in one catalog write. */
    private static final int MAX_BATCH = 1_000;

    private static final int NAMES_LOGGED = 5;

    private final Catalog catalog;
    private final Clock clock;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final java.util.Queue<String> waiting =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ExecutorService registrar =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "lakestream-project-registration");
              thread.setDaemon(true);
              return thread;
            });

    private AutoRegistration(Catalog catalog, Clock clock) {
      this.catalog = requireNonNull(catalog, "catalog is null");
      this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public boolean admits(String projectId) {
      if (catalog.project(projectId).isEmpty() && pending.add(projectId)) {
        waiting.add(projectId);
        // The first run takes every project waiting by then; the runs after it may find none.
        registrar.execute(this::registerWaiting);
      }
      return true;
    }

    /** Registers the projects waiting now, at most {@link #MAX_BATCH} a catalog write. */
    private void registerWaiting() {
      List<String> batch = new ArrayList<>();
      for (String id = waiting.poll(); id != null; id = waiting.poll()) {
        batch.add(id);
        if (batch.size() == MAX_BATCH) {
          register(batch);
          batch = new ArrayList<>();
        }
      }
      if (!batch.isEmpty()) {
        register(batch);
      }
    }

    private void register(List<String> batch) {
      List<ProjectRegistration> registrations = new ArrayList<>();
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      for (String projectId : batch) {
        if (catalog.project(projectId).isEmpty()) {
          registrations.add(ProjectRegistration.shared(projectId, now));
        }
      }
      try {
        catalog.registerProjects(registrations);
        if (registrations.size() == 1) {
          log.info("Project '{}' registered on its first row", registrations.get(0).projectId());
        } else if (!registrations.isEmpty()) {
          log.info(
              "{} projects registered on their first rows: {}",
              registrations.size(),
              names(registrations));
        }
      } catch (RuntimeException e) {
        log.warn(
            "Cannot register {} yet ({}); trying again at their next row",
            batch.size() == 1 ? "project '" + batch.get(0) + "'" : batch.size() + " projects",
            e.getMessage());
      } finally {
        batch.forEach(pending::remove);
      }
    }

    private static String names(List<ProjectRegistration> registrations) {
      StringBuilder names = new StringBuilder();
      for (int i = 0; i < Math.min(NAMES_LOGGED, registrations.size()); i++) {
        names.append(i == 0 ? "'" : ", '").append(registrations.get(i).projectId()).append('\'');
      }
      if (registrations.size() > NAMES_LOGGED) {
        names.append(" and ").append(registrations.size() - NAMES_LOGGED).append(" more");
      }
      return names.toString();
    }

    @Override
    public void close() {
      registrar.shutdown();
      try {
        registrar.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
