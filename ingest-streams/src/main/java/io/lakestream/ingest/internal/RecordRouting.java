package io.lakestream.ingest.internal;

import io.lakestream.ingest.Routing;
import io.lakestream.ingest.SourceRecord;
import io.lakestream.schema.ProjectAdmission;
import io.lakestream.schema.SourceCoordinates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of routing one source record with its mapper: check the value, map, encode every row
 * and check its size. Every failure is caught, so the result is all rows or one rejection.
 */
public final class RecordRouting {
  private static final Logger LOG = LoggerFactory.getLogger(RecordRouting.class);

  private RecordRouting() {}

  /**
   * Routes {@code source}: all of its rows, or the reason none is routed. Each row carries its
   * {@link SourceCoordinates}: the source record, its index among the record's rows, and how many
   * of the record's rows go to its (table, project), so the writer can tell when it holds them all.
   * A record with a row of a project that {@code admission} refuses is rejected whole as {@code
   * unregistered_project}.
   *
   * @param maxBatchBytes the largest source value (as decoded by the consumer) that is mapped
   * @param maxRecordBytes the largest routed row
   */
  public static Routing route(
      SourceRecord source,
      RecordMapper mapper,
      RowEncoder encoder,
      int maxBatchBytes,
      int maxRecordBytes,
      ProjectAdmission admission) {
    try {
      byte[] value = source.value();
      if (value == null || value.length == 0) {
        throw IngestErrors.noValue();
      }
      if (value.length > maxBatchBytes) {
        throw IngestErrors.batchTooLarge(value.length, maxBatchBytes);
      }
      List<RoutedRow> rows = mapper.map(source);
      checkAdmitted(rows, admission);
      Map<TableProject, Integer> counts = new HashMap<>();
      for (RoutedRow row : rows) {
        counts.merge(new TableProject(row.table(), row.project()), 1, Integer::sum);
      }
      SourceCoordinates coordinates =
          SourceCoordinates.of(source.topic(), source.partition(), source.offset());
      List<Routing.Row> routed = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        RoutedRow row = rows.get(i);
        byte[] bytes = encoder.encode(row);
        if (bytes.length > maxRecordBytes) {
          throw IngestErrors.tooLarge(
              "Row " + i + " made from the record", bytes.length, maxRecordBytes);
        }
        routed.add(
            new Routing.Row(
                row.table(),
                row.project(),
                bytes,
                source.timestamp(),
                coordinates
                    .row(i, counts.get(new TableProject(row.table(), row.project())))
                    .toHeaders()));
      }
      return new Routing.Routed(routed);
    } catch (RecordRejectedException e) {
      return rejected(e);
    } catch (RuntimeException e) {
      LOG.warn(
          "Unexpected failure routing {}-{}@{}; the record is rejected as internal_error",
          source.topic(),
          source.partition(),
          source.offset(),
          e);
      return rejected(IngestErrors.internal(e));
    }
  }

  /** The rows of one source record for one (table, project) go to one routed partition. */
  private record TableProject(String table, String project) {}

  private static void checkAdmitted(List<RoutedRow> rows, ProjectAdmission admission) {
    String previous = null;
    for (RoutedRow row : rows) {
      String project = row.project();
      if (!project.equals(previous) && !admission.admits(project)) {
        throw IngestErrors.unregisteredProject(project);
      }
      previous = project;
    }
  }

  /** A mapper for a topic the router does not read: rejects every record as unknown_table. */
  public static RecordMapper notAnInput(Iterable<String> inputs) {
    return new RecordMapper() {
      @Override
      public List<RoutedRow> map(SourceRecord source) {
        throw IngestErrors.notAnInput(source.topic(), inputs);
      }

      @Override
      public String table(String topic) {
        return null;
      }
    };
  }

  private static Routing.Rejected rejected(RecordRejectedException e) {
    return new Routing.Rejected(e.reason(), String.valueOf(e.getMessage()), e.errorClass());
  }
}
