package io.lakestream.bench.soak;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Lakestream role ({@code lakestream ingest}, {@code write}, …) as its own OS process, started
 * again and again with the same arguments; each start writes its own log file ({@code
 * <name>.<n>.log}).
 */
final class RoleProcess {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final List<String> command;
  private final Path logDir;
  private final int httpPort;
  private Process process;
  private int starts;
  private Path log;
  private boolean stopped;

  RoleProcess(String name, List<String> command, Path logDir, int httpPort) {
    this.name = requireNonNull(name, "name is null");
    this.command = List.copyOf(command);
    this.logDir = requireNonNull(logDir, "logDir is null");
    this.httpPort = httpPort;
  }

  String name() {
    return name;
  }

  boolean isWriter() {
    return name.startsWith("writer");
  }

  /** The log of the running (or last) process. */
  synchronized Path log() {
    return log;
  }

  synchronized int starts() {
    return starts;
  }

  synchronized boolean isStopped() {
    return stopped;
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  synchronized long pid() {
    return process.pid();
  }

  /** Starts the role; its stdout and stderr go to a new log file. */
  synchronized void start() {
    starts++;
    log = logDir.resolve(name + "." + starts + ".log");
    try {
      Files.createDirectories(logDir);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name + ": " + command, e);
    }
  }

  /** SIGKILL, and waits until the process is gone. */
  synchronized void kill9() {
    if (process == null || !process.isAlive()) {
      return;
    }
    if (stopped) {
      signal("CONT");
      stopped = false;
    }
    process.destroyForcibly(); // SIGKILL on Linux
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGSTOP: the process stays, frozen, as a zombie member of its group. */
  synchronized void freeze() {
    signal("STOP");
    stopped = true;
  }

  /** SIGCONT. */
  synchronized void thaw() {
    signal("CONT");
    stopped = false;
  }

  /** SIGTERM, then SIGKILL if the role has not stopped within {@code grace}. */
  synchronized void stop(Duration grace) {
    if (process == null || !process.isAlive()) {
      return;
    }
    if (stopped) {
      thaw();
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether its /health answers 200 (only roles with a health port). */
  boolean isHealthy() {
    if (httpPort <= 0) {
      return isAlive();
    }
    try {
      HttpResponse<Void> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/health"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void signal(String signal) {
    List<String> kill =
        new ArrayList<>(List.of("kill", "-" + signal, Long.toString(process.pid())));
    try {
      int exit = new ProcessBuilder(kill).inheritIO().start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException(String.join(" ", kill) + " exited with " + exit);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", kill), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
