package io.lakestream.reader.internal;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Local files under the scheme {@code counting:}, whose reads are counted as an object store would
 * bill them: a range read is a run of bytes read from where the previous read of the stream did not
 * end (a seek, a positioned read elsewhere), whatever the calls that read it. Counts are of every
 * stream of every instance; tests reset them.
 */
public final class CountingFileSystem extends RawLocalFileSystem {
  static final String SCHEME = "counting";

  static final AtomicLong RANGE_READS = new AtomicLong();
  static final AtomicLong BYTES_READ = new AtomicLong();

  /** Where each range read started, in the order read. */
  static final List<Long> RANGE_STARTS = Collections.synchronizedList(new ArrayList<>());

  static void reset() {
    RANGE_READS.set(0);
    BYTES_READ.set(0);
    RANGE_STARTS.clear();
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    return new FSDataInputStream(new Counted(super.open(f, bufferSize)));
  }

  private static final class Counted extends FSInputStream {
    private final FSDataInputStream in;
    private long nextPosition = -1;

    Counted(FSDataInputStream in) {
      this.in = in;
    }

    private void count(long position, int read) {
      if (read <= 0) {
        return;
      }
      if (position != nextPosition) {
        RANGE_READS.incrementAndGet();
        RANGE_STARTS.add(position);
      }
      BYTES_READ.addAndGet(read);
      nextPosition = position + read;
    }

    @Override
    public void seek(long position) throws IOException {
      in.seek(position);
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }

    @Override
    public int read() throws IOException {
      long position = in.getPos();
      int value = in.read();
      count(position, value < 0 ? 0 : 1);
      return value;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long position = in.getPos();
      int read = in.read(b, off, len);
      count(position, read);
      return read;
    }

    @Override
    public int read(long position, byte[] b, int off, int len) throws IOException {
      int read = in.read(position, b, off, len);
      count(position, read);
      return read;
    }

    @Override
    public void readFully(long position, byte[] b, int off, int len) throws IOException {
      in.readFully(position, b, off, len);
      count(position, len);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
