package io.lakestream.writer;

import io.lakestream.index.KeyModel;
import java.util.Map;

/**
 * Turns a data file's sorted primary keys into AddFile tags that let a reader find rows by key
 * without reading the file: the seam between the writer and the learned-index library.
 *
 * <p>Keys are the primary key mapped to {@code long} in key order by {@link
 * io.lakestream.index.KeyEncoding}: timestamps as microseconds, int and long as they are, dates as
 * days since the epoch, float and double through an order-preserving bit map.
 */
@FunctionalInterface
public interface KeyModelEncoder {
  /**
   * The AddFile tag holding the serialized learned model of the file's key column: {@value
   * KeyModel#TAG_NAME}, as the learned-index library names it.
   */
  String MODEL_TAG = KeyModel.TAG_NAME;

  /**
   * The tags describing these keys.
   *
   * @param sortedKeys the file's keys in row order (ascending), never empty; not to be modified
   * @return tag entries to add to the file's AddFile; empty when no model applies
   */
  Map<String, String> tags(long[] sortedKeys);

  /** The learned model of the keys ({@link KeyModel#build}) under {@link #MODEL_TAG}. */
  static KeyModelEncoder learned() {
    return keys -> Map.of(MODEL_TAG, KeyModel.build(keys).toTag());
  }

  /** An encoder that adds no tags, for tools that do not want models. */
  static KeyModelEncoder none() {
    return keys -> Map.of();
  }
}
