package io.lakestream.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops one message of one logger (its pattern, before the arguments are filled in), at any level;
 * the logger's other messages go through. For a library's routine notice logged as a warning, where
 * raising the logger's level would hide its real warnings too. In {@code logback.xml}:
 *
 * <pre>{@code
 * <turboFilter class="io.lakestream.cli.logging.DroppedMessageFilter">
 *   <logger>org.example.Reader</logger>
 *   <message>Nothing to read yet.</message>
 * </turboFilter>
 * }</pre>
 */
public final class DroppedMessageFilter extends TurboFilter {
  private String logger;
  private String message;

  /** The name of the logger whose message is dropped. */
  public void setLogger(String logger) {
    this.logger = logger;
  }

  /** The message dropped, as the library passes it to its logger. */
  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public void start() {
    if (logger == null || message == null) {
      addError("DroppedMessageFilter needs a <logger> and a <message>: it drops nothing");
      return;
    }
    super.start();
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    return isStarted() && message.equals(format) && this.logger.equals(logger.getName())
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }
}
