package io.lakestream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lakestream} command. */
@Command(
    name = "lakestream",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Kafka to Delta Lake, per project, with learned-index range reads.",
    subcommands = {
      DevCommand.class,
      IngestCommand.class,
      WriteCommand.class,
      MaintainCommand.class,
      QueryCommand.class,
      ProduceCommand.class,
      ReplayCommand.class,
      SqlCommand.class,
      BenchCommand.class,
      ConfigCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

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
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(Main::reportFailure);
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
