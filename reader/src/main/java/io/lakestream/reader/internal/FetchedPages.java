package io.lakestream.reader.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ParquetDecodingException;

/**
 * Some data pages of a column chunk, fetched from the file by {@link ParquetFiles} (their bytes,
 * headers included, at the offsets the offset index gives), handed to {@link ColumnDecoder} as
 * parquet-mr's filtered reads hand theirs: in order, decompressed, each with its first row and row
 * count. The dictionary page comes from the bytes before the chunk's first data page, fetched with
 * the data pages or, when they were not (the dictionary was cached when the read was planned), on
 * demand. Unencrypted files only; page checksums are not checked (parquet-mr's default).
 */
final class FetchedPages implements PageReader {
  /** Reads bytes of the file. */
  interface Source {
    ByteBuffer read(long offset, int length) throws IOException;
  }

  private final ColumnDescriptor column;
  private final PageLocations locations;
  private final BytesInputDecompressor decompressor;
  private final long valueCount;
  private final int[] pages;
  private final ByteBuffer[] bytes;
  private final ByteBuffer dictionary;
  private final Source source;
  private int next;

  /**
   * @param pages the pages to hand out, ascending
   * @param bytes each page's bytes, header included
   * @param dictionary the bytes before the first data page, or null when not fetched
   * @param source where to read the dictionary page from when it was not fetched
   */
  FetchedPages(
      ColumnDescriptor column,
      PageLocations locations,
      BytesInputDecompressor decompressor,
      long valueCount,
      int[] pages,
      ByteBuffer[] bytes,
      ByteBuffer dictionary,
      Source source) {
    this.column = requireNonNull(column, "column is null");
    this.locations = requireNonNull(locations, "locations is null");
    this.decompressor = requireNonNull(decompressor, "decompressor is null");
    this.valueCount = valueCount;
    this.pages = pages;
    this.bytes = bytes;
    this.dictionary = dictionary;
    this.source = requireNonNull(source, "source is null");
  }

  @Override
  public long getTotalValueCount() {
    return valueCount;
  }

  @Override
  public DictionaryPage readDictionaryPage() {
    int size = locations.dictionarySize();
    if (size == 0) {
      return null;
    }
    try {
      ByteBuffer page =
          dictionary != null ? dictionary : source.read(locations.dictionaryOffset(), size);
      ByteBufferInputStream in = ByteBufferInputStream.wrap(page.duplicate());
      PageHeader header = Util.readPageHeader(in);
      if (header.getType() != PageType.DICTIONARY_PAGE) {
        return null;
      }
      DictionaryPageHeader dictionaryHeader = header.getDictionary_page_header();
      BytesInput values =
          decompress(
              body(page, (int) in.position(), header.getCompressed_page_size(), -1),
              header.getUncompressed_page_size());
      return new DictionaryPage(
          values,
          header.getUncompressed_page_size(),
          dictionaryHeader.getNum_values(),
          Encoding.valueOf(dictionaryHeader.getEncoding().name()));
    } catch (IOException e) {
      throw new ParquetDecodingException(
          "cannot read the dictionary page of column " + String.join(".", column.getPath()), e);
    }
  }

  @Override
  public DataPage readPage() {
    if (next == pages.length) {
      return null;
    }
    int page = pages[next];
    ByteBuffer buffer = bytes[next++];
    try {
      ByteBufferInputStream in = ByteBufferInputStream.wrap(buffer.duplicate());
      PageHeader header = Util.readPageHeader(in);
      int start = (int) in.position();
      int compressed = header.getCompressed_page_size();
      long firstRow = locations.firstRow(page);
      int rows = locations.rows(page);
      if (header.getType() == PageType.DATA_PAGE) {
        DataPageHeader data = header.getData_page_header();
        return new DataPageV1(
            decompress(body(buffer, start, compressed, page), header.getUncompressed_page_size()),
            data.getNum_values(),
            header.getUncompressed_page_size(),
            firstRow,
            rows,
            null,
            Encoding.valueOf(data.getRepetition_level_encoding().name()),
            Encoding.valueOf(data.getDefinition_level_encoding().name()),
            Encoding.valueOf(data.getEncoding().name()));
      }
      if (header.getType() == PageType.DATA_PAGE_V2) {
        DataPageHeaderV2 data = header.getData_page_header_v2();
        int repetitionBytes = data.getRepetition_levels_byte_length();
        int definitionBytes = data.getDefinition_levels_byte_length();
        int levels = repetitionBytes + definitionBytes;
        BytesInput all = body(buffer, start, compressed, page);
        ByteBuffer whole = all.toByteBuffer();
        BytesInput values = BytesInput.from(slice(whole, levels, compressed - levels));
        if (data.isIs_compressed()) {
          values = decompress(values, header.getUncompressed_page_size() - levels);
        }
        return DataPageV2.uncompressed(
            data.getNum_rows(),
            data.getNum_nulls(),
            data.getNum_values(),
            firstRow,
            BytesInput.from(slice(whole, 0, repetitionBytes)),
            BytesInput.from(slice(whole, repetitionBytes, definitionBytes)),
            Encoding.valueOf(data.getEncoding().name()),
            values,
            null);
      }
      throw new ParquetDecodingException(
          "page "
              + page
              + " of column "
              + String.join(".", column.getPath())
              + " at offset "
              + locations.offset(page)
              + " is a "
              + header.getType()
              + " page, not a data page: the offset index does not match the file");
    } catch (IOException e) {
      throw new ParquetDecodingException(
          "cannot read page " + page + " of column " + String.join(".", column.getPath()), e);
    }
  }

  /** The {@code length} bytes after a page's header. */
  private BytesInput body(ByteBuffer page, int start, int length, int index) {
    if (length < 0 || start + length > page.remaining()) {
      throw new ParquetDecodingException(
          (index < 0 ? "the dictionary page" : "page " + index)
              + " of column "
              + String.join(".", column.getPath())
              + " holds "
              + (page.remaining() - start)
              + " bytes after its header, not "
              + length);
    }
    return BytesInput.from(slice(page, start, length));
  }

  private static ByteBuffer slice(ByteBuffer buffer, int start, int length) {
    return buffer
        .duplicate()
        .position(buffer.position() + start)
        .limit(buffer.position() + start + length)
        .slice();
  }

  private BytesInput decompress(BytesInput compressed, int size) throws IOException {
    if (locations.codec() == CompressionCodecName.UNCOMPRESSED) {
      return compressed;
    }
    return decompressor.decompress(compressed, size);
  }
}
