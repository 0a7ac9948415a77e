package io.lakestream.ingest.internal;

import org.apache.kafka.common.header.Headers;

/**
 * A record as read from an input topic, with its coordinates.
 *
 * @param key the raw key, may be null
 * @param value the raw value, non-empty when a mapper sees it
 */
public record SourceRecord(
    String topic, int partition, long offset, byte[] key, byte[] value, Headers headers) {}
