package io.lakestream.query.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.query.spi.BucketRegistration;
import io.lakestream.query.spi.RegistrationStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Registrations in one JSON file ({@value #FILE_NAME} in the data folder), rewritten atomically
 * (temporary file, then rename) on every change, and served from memory ({@link
 * RegistrationStore#inMemory()}) in between. Secrets are in it encrypted only.
 */
public final class FileRegistrationStore implements RegistrationStore {
  /** The file's name in the data folder. */
  public static final String FILE_NAME = "registrations.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final RegistrationStore memory = RegistrationStore.inMemory();

  /**
   * Opens the store in {@code dataDir}, reading the file if it exists.
   *
   * @throws UncheckedIOException when the folder cannot be created or the file read
   */
  public FileRegistrationStore(Path dataDir) {
    this.file = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      if (Files.exists(file)) {
        List<BucketRegistration> stored =
            JSON.readValue(file.toFile(), new TypeReference<List<BucketRegistration>>() {});
        stored.forEach(memory::put);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the project registrations in " + file, e);
    }
  }

  @Override
  public Optional<BucketRegistration> get(String projectId) {
    return memory.get(projectId);
  }

  @Override
  public List<BucketRegistration> all() {
    return memory.all();
  }

  /** Writes the file with {@code registration}, then keeps it in memory; one put at a time. */
  @Override
  public synchronized void put(BucketRegistration registration) {
    Map<String, BucketRegistration> next = new TreeMap<>();
    memory.all().forEach(r -> next.put(r.projectId(), r));
    next.put(registration.projectId(), registration);
    Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), next.values());
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot store the project registrations in " + file, e);
    }
    memory.put(registration);
  }
}
