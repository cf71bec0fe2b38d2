package dev.sekisho.member;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Bounds how much text the CSV parser may read for one record. commons-csv builds each field in
 * memory before anyone can judge it, so one 60 MiB field (or a quoted field of endless lines) grew
 * a 60M-character buffer, doubled while growing. A member line is well under a kilobyte; once more
 * than the bound passes without the parser finishing a record, reading fails with a message that
 * names the bound, and the file is refused like any other bad file.
 */
final class BoundedRecords extends FilterReader {
  /** Characters a record may take, plus the parser's read-ahead (it reads in chunks of 8K characters). */
  static final int MAX_RECORD_CHARS = 64 * 1024;

  private int sinceRecord;

  BoundedRecords(Reader in) {
    super(in);
  }

  /** The parser finished a record: the next one starts counting. */
  void recordDone() {
    sinceRecord = 0;
  }

  @Override
  public int read() throws IOException {
    int c = super.read();
    if (c >= 0) {
      count(1);
    }
    return c;
  }

  @Override
  public int read(char[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  private void count(int n) throws IOException {
    sinceRecord += n;
    if (sinceRecord > MAX_RECORD_CHARS + 8 * 1024) {
      throw new IOException("a line is longer than " + MAX_RECORD_CHARS + " characters");
    }
  }
}
