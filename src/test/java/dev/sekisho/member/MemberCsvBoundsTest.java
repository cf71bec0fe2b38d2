package dev.sekisho.member;

import org.junit.jupiter.api.Test;

import java.io.Reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What the member file parser holds stays bounded whatever the file (issue 12 item 5). */
class MemberCsvBoundsTest {
  static final String HEADER = "user_id,symbol,number,birthdate,name,email\n";

  @Test
  void aMalformedHeaderLineIsABadFileNotAFailure() {
    ImportRejected rejected = catchThrowableOfType(ImportRejected.class,
        () -> MemberCsv.parse("\"user_id\"x,symbol,number,birthdate,name,email\nu1,12,3456,1980-04-01,A,a@example.jp\n"));
    assertThat(rejected.problems()).singleElement().satisfies(p -> assertThat(p.reason()).startsWith("the file is not valid CSV"));
  }

  @Test
  void anEndlessFieldIsRefusedOnceItPassesTheRecordBound() {
    String start = HEADER + "u1,12,3456,1980-04-01,";
    // The start of a file, then one field that never ends (a file of any size, held nowhere).
    Reader file = new Reader() {
      private int served;

      @Override
      public int read(char[] buffer, int offset, int length) {
        int n = 0;
        while (n < length) {
          buffer[offset + n++] = served < start.length() ? start.charAt(served) : 'a';
          served++;
        }
        return n;
      }

      @Override
      public void close() {
      }
    };
    ImportRejected rejected = catchThrowableOfType(ImportRejected.class, () -> MemberCsv.parse(file));
    assertThat(rejected.problems()).singleElement()
        .satisfies(p -> assertThat(p.reason()).isEqualTo("the file is not valid CSV: a line is longer than 65536 characters"));
  }

  @Test
  void onlyTheFirstThousandProblemsAreListed() {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < 5000; i++) {
      csv.append("u").append(i).append(",12,3456,1980-13-01,A,a@example.jp\n");
    }
    ImportRejected rejected = catchThrowableOfType(ImportRejected.class, () -> MemberCsv.parse(csv.toString()));
    assertThat(rejected.problems()).hasSize(MemberCsv.MAX_LISTED_PROBLEMS + 1);
    assertThat(rejected.problems().get(MemberCsv.MAX_LISTED_PROBLEMS).reason()).startsWith("4000 more line(s) have problems");
  }
}
