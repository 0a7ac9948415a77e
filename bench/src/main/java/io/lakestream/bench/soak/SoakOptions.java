package io.lakestream.bench.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The soak's settings, from {@code --name value} arguments. */
record SoakOptions(
    int rows,
    int rowsPerRecord,
    int projects,
    int partitions,
    int rowsPerSecond,
    Path workDir,
    Path cliDir,
    Duration killEvery,
    int kills,
    Duration zombieFor,
    boolean chaos,
    int replays,
    List<String> roleSettings,
    boolean instanceIds,
    String instanceIdKey,
    String roleHeap,
    Duration drainTimeout,
    long seed,
    int sidecarKills,
    int growPartitions) {

  static final String USAGE =
      """
      Usage: soak [--rows N] [--rows-per-record N] [--projects N] [--partitions N] [--rate ROWS/S]
                  [--work DIR] [--cli DIR] [--kills N] [--kill-every SECONDS] [--zombie SECONDS] [--no-chaos]
                  [--replays 0..2] [--set KEY=VALUE]... [--instance-ids] [--instance-id-key KEY]
                  [--role-heap SIZE] [--drain-timeout SECONDS] [--seed N] [--sidecar-kills N]
                  [--grow-partitions N]
        --rows             log records to produce, each with a unique id (default 1000000)
        --rows-per-record  log records per Kafka record of otlp_logs (default 100)
        --projects         projects the rows are spread over (default 40)
        --partitions       partitions of otlp_logs and of the routed topic (default 8)
        --rate             rows produced per second (default 8000)
        --work             folder for the broker, the warehouse, the roles' state and logs
                           (default: a new folder under the system temp folder)
        --cli              folder with lakestream-cli.jar and lib/ (default cli/target)
        --kills            kill -9s, the kill-all (half way) included (default 12)
        --kill-every       mean seconds between the pipeline making progress again after a kill
                           and the next kill (default 8)
        --zombie           seconds a writer is frozen with SIGSTOP (default 55: longer than the
                           consumer group session timeout of 45 s)
        --no-chaos         no kill, no zombie (a baseline)
        --replays          replays of otlp_logs from the beginning after production (default 2:
                           one beside the running roles, one while they are down)
        --set KEY=VALUE    a setting for every role (repeatable), e.g. writer.flush.age=2s
        --instance-ids     give each role a stable instance id (--set <instance-id-key>=<role>)
        --instance-id-key  the setting that names a role's instance (default role.instance.id)
        --role-heap        -Xmx of each role process (default 768m)
        --drain-timeout    seconds to wait for the pipeline to drain after production (default 900)
        --seed             random seed of the data and the chaos (default 1)
        --sidecar-kills    run a query sidecar too (live tail on), read every project's rows
                           through it while rows flow and kill -9 it N times; each read must hold
                           every row the one before held, each once; the read after the drain
                           exactly the project's rows (default 0: no sidecar)
        --grow-partitions  when the zombie is due: add partitions to the routed topic up to N in
                           all, wait until the writers hold the new ones, freeze the zombie, then
                           restart both routers, so that projects' newer rows take other routed
                           partitions than their older ones, unwritten in the zombie (default 0:
                           the routed topic keeps --partitions)
      """;

  static SoakOptions parse(String[] args) {
    int rows = 1_000_000;
    int rowsPerRecord = 100;
    int projects = 40;
    int partitions = 8;
    int rate = 8_000;
    Path work = null;
    Path cli = Path.of("cli/target");
    Duration killEvery = Duration.ofSeconds(8);
    int kills = 12;
    Duration zombie = Duration.ofSeconds(55);
    boolean chaos = true;
    int replays = 2;
    List<String> settings = new ArrayList<>();
    boolean instanceIds = false;
    String instanceIdKey = "role.instance.id";
    String heap = "768m";
    Duration drain = Duration.ofSeconds(900);
    long seed = 1;
    int sidecarKills = 0;
    int growPartitions = 0;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--no-chaos" -> chaos = false;
        case "--instance-ids" -> instanceIds = true;
        case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("Missing value of " + arg + "\n" + USAGE);
          }
          String value = args[++i];
          switch (arg) {
            case "--rows" -> rows = count(arg, value);
            case "--rows-per-record" -> rowsPerRecord = count(arg, value);
            case "--projects" -> projects = count(arg, value);
            case "--partitions" -> partitions = count(arg, value);
            case "--rate" -> rate = count(arg, value);
            case "--work" -> work = Path.of(value);
            case "--cli" -> cli = Path.of(value);
            case "--kill-every" -> killEvery = Duration.ofSeconds(count(arg, value));
            case "--kills" -> kills = count(arg, value);
            case "--zombie" -> zombie = Duration.ofSeconds(count(arg, value));
            case "--replays" -> replays = Integer.parseInt(value);
            case "--set" -> settings.add(value);
            case "--instance-id-key" -> instanceIdKey = value;
            case "--role-heap" -> heap = value;
            case "--drain-timeout" -> drain = Duration.ofSeconds(count(arg, value));
            case "--seed" -> seed = Long.parseLong(value);
            case "--sidecar-kills" -> sidecarKills = Integer.parseInt(value);
            case "--grow-partitions" -> growPartitions = count(arg, value);
            default -> throw new IllegalArgumentException("Unknown option " + arg + "\n" + USAGE);
          }
        }
      }
    }
    if (sidecarKills < 0) {
      throw new IllegalArgumentException("--sidecar-kills must not be negative");
    }
    if (growPartitions != 0 && growPartitions <= partitions) {
      throw new IllegalArgumentException(
          "--grow-partitions must be more than --partitions ("
              + partitions
              + "), not "
              + growPartitions);
    }
    if (replays < 0 || replays > 2) {
      throw new IllegalArgumentException("--replays must be 0, 1 or 2, not " + replays);
    }
    return new SoakOptions(
        rows,
        rowsPerRecord,
        projects,
        partitions,
        rate,
        work,
        cli,
        killEvery,
        kills,
        zombie,
        chaos,
        replays,
        List.copyOf(settings),
        instanceIds,
        instanceIdKey,
        heap,
        drain,
        seed,
        sidecarKills,
        growPartitions);
  }

  private static int count(String option, String value) {
    String v = value.trim().toLowerCase();
    int multiplier = 1;
    if (v.endsWith("k")) {
      multiplier = 1_000;
      v = v.substring(0, v.length() - 1);
    } else if (v.endsWith("m")) {
      multiplier = 1_000_000;
      v = v.substring(0, v.length() - 1);
    }
    try {
      int n = Math.multiplyExact(Integer.parseInt(v), multiplier);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(option + " needs a positive number, not '" + value + "'");
    }
  }
}
