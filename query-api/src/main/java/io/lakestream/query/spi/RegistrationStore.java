package io.lakestream.query.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where project registrations are kept: in memory, a file under the data folder ({@code
 * internal.FileRegistrationStore}), later the compacted catalog topic.
 */
public interface RegistrationStore {
  /** The registration of a project. */
  Optional<BucketRegistration> get(String projectId);

  /** Every registration, by project id. */
  List<BucketRegistration> all();

  /**
   * Stores (or replaces) a project's registration. Durable when this returns, for stores that
   * persist.
   */
  void put(BucketRegistration registration);

  /** A store that forgets everything at exit. */
  static RegistrationStore inMemory() {
    return new RegistrationStore() {
      private final Map<String, BucketRegistration> registrations = new TreeMap<>();

      @Override
      public synchronized Optional<BucketRegistration> get(String projectId) {
        return Optional.ofNullable(registrations.get(projectId));
      }

      @Override
      public synchronized List<BucketRegistration> all() {
        return List.copyOf(registrations.values());
      }

      @Override
      public synchronized void put(BucketRegistration registration) {
        registrations.put(registration.projectId(), registration);
      }
    };
  }
}
