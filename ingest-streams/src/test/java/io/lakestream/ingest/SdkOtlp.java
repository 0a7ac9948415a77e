package io.lakestream.ingest;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OTLP payloads made by a second, independent encoder: the OpenTelemetry Java SDK, through the same
 * marshalers its OTLP exporters use.
 */
final class SdkOtlp {
  private SdkOtlp() {}

  static Resource resource(String project, String service) {
    return Resource.create(
        Attributes.of(
            AttributeKey.stringKey("project_id"),
            project,
            AttributeKey.stringKey("service.name"),
            service));
  }

  /**
   * {@code count} spans of one trace, started at {@code startNanos} one microsecond apart, each
   * lasting 2 ms; the first is the parent of the others.
   */
  static List<SpanData> spans(Resource resource, long startNanos, int count) {
    List<SpanData> finished = new ArrayList<>();
    SpanExporter collect =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            finished.addAll(spans);
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(collect))
            .build()) {
      Tracer tracer =
          provider.tracerBuilder("io.lakestream.test").setInstrumentationVersion("9.9").build();
      Span parent = null;
      for (int i = 0; i < count; i++) {
        long start = startNanos + i * 1_000L;
        var builder =
            tracer
                .spanBuilder("op-" + i)
                .setSpanKind(i == 0 ? SpanKind.SERVER : SpanKind.CLIENT)
                .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                .setAttribute("i", (long) i);
        if (parent != null) {
          builder.setParent(Context.root().with(parent));
        }
        Span span = builder.startSpan();
        span.addEvent("event-" + i, Attributes.empty(), start + 500L, TimeUnit.NANOSECONDS);
        if (i == 0) {
          span.setStatus(StatusCode.ERROR, "boom");
          parent = span;
        } else {
          span.end(start + 2_000_000L, TimeUnit.NANOSECONDS);
        }
      }
      if (parent != null) {
        parent.end(startNanos + 2_000_000L, TimeUnit.NANOSECONDS);
      }
    }
    return finished;
  }

  /** {@code count} INFO log records at {@code timeNanos}, bodies {@code body-0…}. */
  static List<LogRecordData> logs(Resource resource, long timeNanos, int count) {
    List<LogRecordData> emitted = new ArrayList<>();
    LogRecordExporter collect =
        new LogRecordExporter() {
          @Override
          public CompletableResultCode export(Collection<LogRecordData> logs) {
            emitted.addAll(logs);
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    try (SdkLoggerProvider provider =
        SdkLoggerProvider.builder()
            .setResource(resource)
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(collect))
            .build()) {
      Logger logger = provider.loggerBuilder("io.lakestream.test").build();
      for (int i = 0; i < count; i++) {
        logger
            .logRecordBuilder()
            .setTimestamp(timeNanos + i * 1_000L, TimeUnit.NANOSECONDS)
            .setObservedTimestamp(timeNanos + i * 1_000L + 7_000L, TimeUnit.NANOSECONDS)
            .setSeverity(Severity.INFO)
            .setSeverityText("INFO")
            .setBody("body-" + i)
            .setAttribute(AttributeKey.longKey("i"), (long) i)
            .emit();
      }
    }
    return emitted;
  }

  static byte[] tracesProto(Collection<SpanData> spans) {
    return binary(TraceRequestMarshaler.create(spans));
  }

  static byte[] tracesJson(Collection<SpanData> spans) {
    return json(TraceRequestMarshaler.create(spans));
  }

  static byte[] logsProto(Collection<LogRecordData> logs) {
    return binary(LogsRequestMarshaler.create(logs));
  }

  static byte[] logsJson(Collection<LogRecordData> logs) {
    return json(LogsRequestMarshaler.create(logs));
  }

  private static byte[] binary(Marshaler marshaler) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      marshaler.writeBinaryTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] json(Marshaler marshaler) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      marshaler.writeJsonTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
