package io.lakestream.cli.demo;

import io.lakestream.schema.Topics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link DemoData} to the real input topics at a steady pace until closed: OTLP protobuf to
 * {@code otlp_logs}, {@code otlp_spans}, {@code otlp_metrics}; Avro events to {@code
 * lakestream.ingest.events}.
 */
public final class DemoProducer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoProducer.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final ScheduledExecutorService scheduler;
  private final DemoData data = new DemoData(42);
  private final Clock clock;

  private DemoProducer(String bootstrapServers, Clock clock) {
    this.clock = clock;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "lakestream-demo");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts sending one batch per project every {@code interval}. */
  public static DemoProducer start(String bootstrapServers, Duration interval) {
    DemoProducer demo = new DemoProducer(bootstrapServers, Clock.systemUTC());
    demo.scheduler.scheduleAtFixedRate(
        demo::sendSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return demo;
  }

  /** Sends one batch per project now, synchronously; returns the records sent. */
  public int sendOnce() {
    int sent = 0;
    for (String project : DemoData.PROJECTS) {
      DemoData.Batch batch = data.batch(project, clock.instant(), 3);
      producer.send(new ProducerRecord<>(Topics.OTLP_SPANS, batch.traces().toByteArray()));
      producer.send(new ProducerRecord<>(Topics.OTLP_LOGS, batch.logs().toByteArray()));
      producer.send(new ProducerRecord<>(Topics.OTLP_METRICS, batch.metrics().toByteArray()));
      sent += 3;
      for (ByteBuffer event : batch.events()) {
        byte[] bytes = new byte[event.remaining()];
        event.get(bytes);
        producer.send(new ProducerRecord<>(Topics.ingest("events"), project.getBytes(), bytes));
        sent++;
      }
    }
    producer.flush();
    return sent;
  }

  private void sendSafely() {
    try {
      sendOnce();
    } catch (RuntimeException e) {
      log.warn("Demo data could not be sent this round: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
