/**
 * Learned indexes over sorted {@code long} keys: {@link io.lakestream.index.LearnedIndex}, exact
 * over keys in memory, and {@link io.lakestream.index.KeyModel}, a keys-free model that fits in a
 * Delta AddFile tag and tells which rows can hold a key range. Other key types map to {@code long}
 * through {@link io.lakestream.index.KeyEncoding}. No dependencies; {@code internal} is not API.
 */
package io.lakestream.index;
