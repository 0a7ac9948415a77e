package io.lakestream.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps started parts until the process is asked to stop, then closes them newest first. */
final class RoleRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoleRunner.class);

  private final List<AutoCloseable> parts = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** Adds a started part; returns it. */
  <T extends AutoCloseable> T add(T part) {
    synchronized (parts) {
      parts.add(part);
    }
    return part;
  }

  /** Blocks until SIGINT/SIGTERM, then closes every part. */
  void awaitShutdown(String what) throws InterruptedException {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("Stopping {}", what);
                  close();
                },
                "lakestream-shutdown"));
    stopped.await();
  }

  /** Closes every part, newest first; failures are reported and do not stop the others. */
  @Override
  public void close() {
    synchronized (parts) {
      for (int i = parts.size() - 1; i >= 0; i--) {
        try {
          parts.get(i).close();
        } catch (Exception e) {
          LOG.warn("Error while stopping {}: {}", parts.get(i), e.getMessage(), e);
        }
      }
      parts.clear();
    }
    stopped.countDown();
  }
}
