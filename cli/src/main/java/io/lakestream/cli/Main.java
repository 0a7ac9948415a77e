package io.lakestream.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lakestream} command. */
@Command(
    name = "lakestream",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Kafka to Delta Lake, per project, with learned-index range reads.")
public final class Main {
  /**
   * The commands in the order help lists them. A name (dev, bench) is a command of the {@code
   * cli-dev} module: on the class path of a source checkout ({@code ./lakestream}) and of the
   * development image, absent from the production image, which then carries no Kafka broker, S3
   * server, JUnit or JMH.
   *
   * <p>picocli makes every command to list them: a command's logger is made at its first use, not
   * with its class, or every command, {@code --help} and {@code sql} included, would start logging
   * (logback reading its configuration: about 0.3 s) without ever logging.
   */
  static final List<Object> COMMANDS =
      List.of(
          "dev",
          IngestCommand.class,
          WriteCommand.class,
          MaintainCommand.class,
          QueryCommand.class,
          ProduceCommand.class,
          ReplayCommand.class,
          SqlCommand.class,
          "bench",
          ConfigCommand.class,
          CommandLine.HelpCommand.class);

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command and returns its exit status; for tests. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line, for tests that capture its output. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    for (Object command : COMMANDS) {
      if (command instanceof String name) {
        commandLine.addSubcommand(name, developerCommand(name));
      } else {
        commandLine.addSubcommand(command);
      }
    }
    return commandLine
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(Main::reportFailure);
  }

  /** The command of {@code cli-dev}, or one that says where to find it. */
  private static CommandLine developerCommand(String name) {
    String className =
        "io.lakestream.cli."
            + Character.toUpperCase(name.charAt(0))
            + name.substring(1)
            + "Command";
    try {
      var constructor = Class.forName(className).getDeclaredConstructor();
      constructor.setAccessible(true);
      return new CommandLine(constructor.newInstance());
    } catch (ClassNotFoundException e) {
      return new CommandLine(new NotInstalled(name));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot create the command " + className, e);
    }
  }

  /** A developer command this installation does not have (the production image). */
  @Command(
      description = "Not in this installation: run it from a source checkout or the dev image.")
  static final class NotInstalled implements Callable<Integer> {
    private final String name;

    @CommandLine.Unmatched private List<String> arguments;

    NotInstalled(String name) {
      this.name = name;
    }

    @Override
    public Integer call() {
      throw new CliException(
          "'lakestream "
              + name
              + "' is not in this installation: the production image holds the roles only (ingest,"
              + " write, maintain, query). Run it from a source checkout (./lakestream "
              + name
              + ") or from the development image (docker build --target dev -t lakestream:dev .).");
    }
  }

  /**
   * Prints a failure as one line per cause; the stack trace only when {@code LAKESTREAM_DEBUG} is
   * set.
   */
  private static int reportFailure(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    java.io.PrintWriter err = commandLine.getErr();
    err.println("lakestream: " + e.getMessage());
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !(e instanceof CliException)) {
        err.println("  caused by: " + cause.getMessage());
      }
    }
    if (System.getenv("LAKESTREAM_DEBUG") != null) {
      e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  /** The version from the jar's manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"lakestream " + (version == null ? "dev" : version)};
    }
  }
}
