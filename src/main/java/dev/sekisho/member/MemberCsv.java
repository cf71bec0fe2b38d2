package dev.sekisho.member;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses and validates the insurer's member file: UTF-8 CSV with a header row naming the columns
 * user_id, symbol, number, birthdate, name, email and, optionally, password. Every bad line is
 * reported; the caller loads nothing unless there is none.
 */
public final class MemberCsv {
  public static final int MAX_ROWS = 200_000;
  static final List<String> REQUIRED = List.of("user_id", "symbol", "number", "birthdate", "name", "email");
  static final String PASSWORD = "password";

  private static final Pattern CARD_PART = Pattern.compile("[0-9A-Za-z-]{1,16}");
  private static final List<DateTimeFormatter> DATE_FORMATS = List.of(
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT),
      DateTimeFormatter.ofPattern("uuuu/MM/dd").withResolverStyle(ResolverStyle.STRICT),
      DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT));

  private MemberCsv() {}

  /** Problems beyond this many are counted, not listed: an answer (and the heap) stays bounded. */
  static final int MAX_LISTED_PROBLEMS = 1000;

  /** The valid rows, or throws {@link ImportRejected} listing every problem. */
  public static List<MemberRow> parse(String text) {
    return parse(new StringReader(text));
  }

  /**
   * As {@link #parse(String)}, reading the file as it goes: a large member file is never held in
   * memory as text, only its valid rows (at most {@link #MAX_ROWS}) and up to
   * {@link #MAX_LISTED_PROBLEMS} problems. A leading byte-order mark is skipped.
   */
  public static List<MemberRow> parse(Reader text) {
    Checked checked = check(text);
    if (checked.problemCount() > 0) {
      throw new ImportRejected(checked.problems());
    }
    return checked.rows();
  }

  /**
   * What a file holds: its valid rows and its bad lines (every one counted, the first
   * {@link #MAX_LISTED_PROBLEMS} listed). The dry-run report of an import job.
   */
  public record Checked(List<MemberRow> rows, List<ImportProblem> problems, int problemCount) {}

  /** As {@link #parse(Reader)}, but keeps the valid rows beside the problems instead of refusing. */
  public static Checked check(Reader text) {
    Problems problems = new Problems();
    List<MemberRow> rows = new ArrayList<>();
    CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
        .setIgnoreEmptyLines(true).setTrim(true).get();
    try (BoundedRecords bounded = new BoundedRecords(withoutByteOrderMark(text));
         CSVParser parser = CSVParser.parse(bounded, format)) {
      bounded.recordDone();
      Map<String, Integer> header = parser.getHeaderMap();
      List<String> missing = REQUIRED.stream().filter(c -> !header.containsKey(c)).toList();
      List<String> unknown = header.keySet().stream()
          .filter(c -> !REQUIRED.contains(c) && !PASSWORD.equals(c)).toList();
      if (!missing.isEmpty() || !unknown.isEmpty()) {
        throw new ImportRejected(List.of(new ImportProblem(1, "the header must name the columns "
            + String.join(", ", REQUIRED) + " and optionally " + PASSWORD
            + (missing.isEmpty() ? "" : "; missing: " + String.join(", ", missing))
            + (unknown.isEmpty() ? "" : "; unknown: " + String.join(", ", unknown)))));
      }
      Map<String, Integer> firstLineOfId = new HashMap<>();
      for (CSVRecord record : parser) {
        bounded.recordDone();
        int line = (int) record.getRecordNumber() + 1;
        if (rows.size() + problems.count() >= MAX_ROWS) {
          problems.add(new ImportProblem(line, "a file may hold at most " + MAX_ROWS + " members"));
          break;
        }
        validate(record, line, header.containsKey(PASSWORD), firstLineOfId, rows, problems);
      }
    } catch (IOException | IllegalStateException | UncheckedIOException e) {
      // commons-csv reports broken quoting this way: as an IOException (CSVException) when the
      // header line is broken (`"user_id"x,...`, which was a 500), as an unchecked one from a later
      // line. The message is commons-csv's own and begins with its exception's class name: keep
      // only the text after it (an admin reads it; class names are kept out of every answer).
      problems.add(new ImportProblem(0, "the file is not valid CSV: " + csvReason(e)));
    } catch (IllegalArgumentException e) {
      // Found by the bad-input fuzz suite: a header line with an empty or repeated column name
      // ("", ",,", "a,a") makes commons-csv throw IllegalArgumentException from the parser's
      // constructor, which became a 500. It is a bad file like any other.
      problems.add(new ImportProblem(1, "the header must name each column once (empty or repeated column names)"));
    }
    if (rows.isEmpty() && problems.count() == 0) {
      problems.add(new ImportProblem(2, "the file holds no members"));
    }
    return new Checked(rows, problems.listed(), problems.count());
  }

  /** The text after a leading U+FEFF, which spreadsheet programs write at the start of UTF-8 files. */
  private static Reader withoutByteOrderMark(Reader text) throws IOException {
    PushbackReader reader = new PushbackReader(text, 1);
    int first = reader.read();
    if (first >= 0 && first != '\uFEFF') {
      reader.unread(first);
    }
    return reader;
  }

  /** Every problem counted; the first {@link #MAX_LISTED_PROBLEMS} listed, then one line saying how many more. */
  private static final class Problems {
    private final List<ImportProblem> listed = new ArrayList<>();
    private int count;

    void add(ImportProblem problem) {
      count++;
      if (listed.size() < MAX_LISTED_PROBLEMS) {
        listed.add(problem);
      }
    }

    int count() {
      return count;
    }

    List<ImportProblem> listed() {
      if (count <= listed.size()) {
        return listed;
      }
      List<ImportProblem> all = new ArrayList<>(listed);
      all.add(new ImportProblem(0, (count - listed.size()) + " more line(s) have problems (only the first "
          + MAX_LISTED_PROBLEMS + " are listed)"));
      return all;
    }
  }

  private static String csvReason(Exception e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String message = cause.getMessage() == null ? "unreadable" : cause.getMessage();
    return message.replaceAll("^[\\w.$]+(Exception|Error):\\s*", "");
  }

  private static void validate(CSVRecord record, int line, boolean hasPasswordColumn,
                               Map<String, Integer> firstLineOfId, List<MemberRow> rows, Problems problems) {
    if (!record.isConsistent()) {
      problems.add(new ImportProblem(line, "has " + record.size() + " fields, the header has " + record.getParser().getHeaderNames().size()));
      return;
    }
    List<String> reasons = new ArrayList<>();
    String loginId = LoginIds.normalize(record.get("user_id"));
    if (!LoginIds.isAcceptable(loginId)) {
      reasons.add("user_id must be 1 to " + LoginIds.MAX_LENGTH + " characters without spaces or control characters");
    } else if (firstLineOfId.putIfAbsent(loginId, line) != null) {
      reasons.add("user_id " + loginId + " already appears on line " + firstLineOfId.get(loginId));
    }
    String symbol = nfkc(record.get("symbol"));
    if (!CARD_PART.matcher(symbol).matches()) {
      reasons.add("symbol must be 1 to 16 letters or digits");
    }
    String number = nfkc(record.get("number"));
    if (!CARD_PART.matcher(number).matches()) {
      reasons.add("number must be 1 to 16 letters or digits");
    }
    LocalDate birthdate = parseDate(nfkc(record.get("birthdate")));
    if (birthdate == null) {
      reasons.add("birthdate must be a real date such as 1980-04-01 or 19800401, after 1900 and not in the future");
    }
    String name = record.get("name").strip();
    if (name.isEmpty() || name.length() > 100 || hasControl(name)) {
      reasons.add("name must be 1 to 100 characters without control characters");
    }
    // The onboarding form's rule, so the file can load no address a member could not type there.
    String email = EmailAddresses.normalize(record.get("email"));
    if (email == null) {
      reasons.add("email must be an address such as taro@example.jp, as the onboarding form accepts it (ASCII; no spaces, quotes, brackets or parentheses)");
    }
    String password = hasPasswordColumn ? record.get(PASSWORD) : "";
    if (!password.isEmpty() && (password.length() < 8 || password.length() > 128 || hasControl(password))) {
      reasons.add("password, when given, must be 8 to 128 characters without control characters");
    }
    if (!reasons.isEmpty()) {
      problems.add(new ImportProblem(line, String.join("; ", reasons)));
      return;
    }
    rows.add(new MemberRow(line, loginId, symbol, number, birthdate, name, email, password.isEmpty() ? null : password));
  }

  private static String nfkc(String value) {
    return Normalizer.normalize(value, Normalizer.Form.NFKC).strip();
  }

  private static boolean hasControl(String value) {
    return value.codePoints().anyMatch(cp -> Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT);
  }

  /** A birthdate in one of the accepted forms, or null. */
  public static LocalDate parseDate(String value) {
    for (DateTimeFormatter format : DATE_FORMATS) {
      try {
        LocalDate date = LocalDate.parse(value, format);
        if (date.getYear() < 1900 || date.isAfter(LocalDate.now())) {
          return null;
        }
        return date;
      } catch (DateTimeException e) {
        // try the next form
      }
    }
    return null;
  }
}
