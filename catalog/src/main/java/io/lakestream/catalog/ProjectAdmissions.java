package io.lakestream.catalog;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.ProjectAdmission;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
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

  /** {@link Mode#AUTO}: admits every project and registers new ones in the background. */
  private static final class AutoRegistration implements Policy {
    private final Catalog catalog;
    private final Clock clock;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
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
        registrar.execute(() -> register(projectId));
      }
      return true;
    }

    private void register(String projectId) {
      try {
        if (catalog.project(projectId).isEmpty()) {
          catalog.registerProject(
              ProjectRegistration.shared(
                  projectId, clock.instant().truncatedTo(ChronoUnit.MILLIS)));
          log.info("Project '{}' registered on its first row", projectId);
        }
      } catch (RuntimeException e) {
        log.warn(
            "Cannot register project '{}' yet ({}); trying again at its next row",
            projectId,
            e.getMessage());
      } finally {
        pending.remove(projectId);
      }
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
