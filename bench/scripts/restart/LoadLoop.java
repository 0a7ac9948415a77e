import io.lakestream.tables.DeltaLogReader;
import io.lakestream.tables.internal.StandaloneDeltaLogReader;
import java.io.File;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;

/** Loads the latest snapshot of every table of WAREHOUSE/projects/<p>/otel_logs_and_spans, PASSES times, one thread. */
public class LoadLoop {
  public static void main(String[] a) {
    File[] projects = new File(a[0], "projects").listFiles();
    Arrays.sort(projects);
    Configuration conf = new Configuration();
    for (int pass = 0; pass < Integer.parseInt(a[1]); pass++) {
      DeltaLogReader reader = new StandaloneDeltaLogReader(conf);
      long files = 0, started = System.nanoTime();
      for (File p : projects) files += reader.open("file:" + p + "/otel_logs_and_spans").snapshot().files().size();
      System.out.printf("pass %d: %d tables, %d files in %d ms%n", pass, projects.length, files, (System.nanoTime() - started) / 1_000_000);
    }
  }
}
