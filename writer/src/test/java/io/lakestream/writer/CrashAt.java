package io.lakestream.writer;

import java.util.concurrent.atomic.AtomicInteger;

/** A fault injector that "kills" the writer the n-th time it reaches a crash point. */
final class CrashAt implements FaultInjector {
  /** What the injector throws: an Error, so the writer stops as if killed. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
      super(message);
    }
  }

  private final CrashPoint point;
  private final int nth;
  private final AtomicInteger reached = new AtomicInteger();
  private volatile Workload.TableId crashedIn;

  CrashAt(CrashPoint point, int nth) {
    this.point = point;
    this.nth = nth;
  }

  /** The table whose flush crashed, or null before the crash. */
  Workload.TableId crashedIn() {
    return crashedIn;
  }

  @Override
  public void at(CrashPoint reachedPoint, String project, String table) {
    if (reachedPoint == point && reached.incrementAndGet() == nth) {
      crashedIn = new Workload.TableId(project, table);
      throw new SimulatedCrash("simulated crash at " + point + " (" + project + "/" + table + ")");
    }
  }
}
