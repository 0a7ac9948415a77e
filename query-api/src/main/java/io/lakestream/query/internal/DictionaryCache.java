package io.lakestream.query.internal;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PrimitiveIterator;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;

/**
 * Decompressed dictionary pages of recently read column chunks, so that a read of a few rows does
 * not decompress a column chunk's whole dictionary (up to 1 MB a column) every time: wraps the
 * {@link PageReadStore} of a row group read so its page readers return the cached page. Bounded by
 * bytes, least recently used first out.
 */
final class DictionaryCache {
  private record Key(String location, int block, String column) {}

  private final long maxBytes;
  private final LinkedHashMap<Key, DictionaryPage> pages = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  DictionaryCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The pages of row group {@code block} of a file, with dictionary pages from the cache. */
  PageReadStore wrap(String location, int block, PageReadStore store) {
    return new PageReadStore() {
      @Override
      public PageReader getPageReader(ColumnDescriptor descriptor) {
        PageReader reader = store.getPageReader(descriptor);
        Key key = new Key(location, block, String.join(".", descriptor.getPath()));
        return new PageReader() {
          @Override
          public DictionaryPage readDictionaryPage() {
            DictionaryPage cached = get(key);
            if (cached != null) {
              return cached;
            }
            DictionaryPage page = reader.readDictionaryPage();
            if (page == null) {
              return null;
            }
            try {
              DictionaryPage copy =
                  new DictionaryPage(
                      BytesInput.from(page.getBytes().toByteArray()),
                      page.getDictionarySize(),
                      page.getEncoding());
              put(key, copy);
              return copy;
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }

          @Override
          public long getTotalValueCount() {
            return reader.getTotalValueCount();
          }

          @Override
          public DataPage readPage() {
            return reader.readPage();
          }
        };
      }

      @Override
      public long getRowCount() {
        return store.getRowCount();
      }

      @Override
      public Optional<Long> getRowIndexOffset() {
        return store.getRowIndexOffset();
      }

      @Override
      public Optional<PrimitiveIterator.OfLong> getRowIndexes() {
        return store.getRowIndexes();
      }

      @Override
      public void close() {
        store.close();
      }
    };
  }

  private synchronized DictionaryPage get(Key key) {
    return pages.get(key);
  }

  private synchronized void put(Key key, DictionaryPage page) {
    long size = page.getUncompressedSize();
    if (size > maxBytes / 8) {
      return;
    }
    DictionaryPage previous = pages.put(key, page);
    bytes += size - (previous == null ? 0 : previous.getUncompressedSize());
    Iterator<Map.Entry<Key, DictionaryPage>> eldest = pages.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= eldest.next().getValue().getUncompressedSize();
      eldest.remove();
    }
  }

  /** Drops the pages of a file (removed from its table). */
  synchronized void forget(String location) {
    Iterator<Map.Entry<Key, DictionaryPage>> entries = pages.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<Key, DictionaryPage> entry = entries.next();
      if (entry.getKey().location().equals(location)) {
        bytes -= entry.getValue().getUncompressedSize();
        entries.remove();
      }
    }
  }
}
