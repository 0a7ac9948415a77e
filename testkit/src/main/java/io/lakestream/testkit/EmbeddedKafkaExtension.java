package io.lakestream.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an {@link EmbeddedKafka} before a test class and stops it after.
 *
 * <pre>
 * &#64;RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();
 * ... kafka.bootstrapServers() ...
 * </pre>
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {
  private EmbeddedKafka kafka;

  @Override
  public void beforeAll(ExtensionContext context) {
    kafka = EmbeddedKafka.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
  }

  /** The running broker; only between beforeAll and afterAll. */
  public EmbeddedKafka kafka() {
    if (kafka == null) {
      throw new IllegalStateException("The broker runs only while the test class runs");
    }
    return kafka;
  }

  /** {@code localhost:<port>} of the running broker. */
  public String bootstrapServers() {
    return kafka().bootstrapServers();
  }

  /** Creates a topic on the running broker if it does not exist. */
  public void createTopic(String name, int partitions) {
    kafka().createTopic(name, partitions);
  }
}
