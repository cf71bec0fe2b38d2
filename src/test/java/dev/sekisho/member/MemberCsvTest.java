package dev.sekisho.member;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MemberCsvTest {
  static final String HEADER = "user_id,symbol,number,birthdate,name,email\n";

  @Test
  void readsGoodRowsNormalisingFullWidthInput() {
    List<MemberRow> rows = MemberCsv.parse("\uFEFF" + HEADER
        + "ｍ００１,１２,３４５６,1980-04-01,健保 太郎,taro@example.jp\n"
        + "m002,12,3457,19900102,\"Smith, Ann\",ann@example.jp\n");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).loginId()).isEqualTo("m001");
    assertThat(rows.get(0).cardSymbol()).isEqualTo("12");
    assertThat(rows.get(0).cardNumber()).isEqualTo("3456");
    assertThat(rows.get(1).birthdate()).isEqualTo(LocalDate.of(1990, 1, 2));
    assertThat(rows.get(1).name()).isEqualTo("Smith, Ann");
    assertThat(rows.get(1).password()).isNull();
  }

  @Test
  void reportsEveryBadLineWithItsNumberAndReason() {
    ImportRejected rejected = catchThrowableOfType(ImportRejected.class, () -> MemberCsv.parse(HEADER
        + "ok1,12,3456,1980-04-01,A,a@example.jp\n"
        + ",12,3456,1980-04-01,B,b@example.jp\n"
        + "bad2,12,3456,1980-02-30,C,c@example.jp\n"
        + "bad3,12,3456,1980-04-01,D,not-an-email\n"
        + "ok1,12,3456,1980-04-01,E,e@example.jp\n"
        + "bad5,12,3456,1980-04-01\n"));
    assertThat(rejected.problems()).extracting(ImportProblem::line).containsExactly(3, 4, 5, 6, 7);
    assertThat(rejected.problems().get(0).reason()).contains("user_id");
    assertThat(rejected.problems().get(1).reason()).contains("birthdate");
    assertThat(rejected.problems().get(2).reason()).contains("email");
    assertThat(rejected.problems().get(3).reason()).contains("already appears on line 2");
    assertThat(rejected.problems().get(4).reason()).contains("fields");
  }

  @Test
  void refusesEveryEmailAddressTheOnboardingFormRefuses() {
    for (String address : new String[] {"\"\"><svg/onload=alert(4)>\"\"@example.jp", "a b@example.jp", "a<b>@example.jp",
        "a(b)@example.jp", "a..b@example.jp", "a@example", "a@-example.jp"}) {
      assertThat(dev.sekisho.member.EmailAddresses.normalize(address.replace("\"\"", "\""))).as(address).isNull();
      ImportRejected rejected = catchThrowableOfType(ImportRejected.class,
          () -> MemberCsv.parse(HEADER + "x1,12,3456,1980-04-01,A,\"" + address + "\"\n"));
      assertThat(rejected).as(address).isNotNull();
      assertThat(rejected.problems()).singleElement().satisfies(p -> assertThat(p.reason()).contains("email"));
    }
    // What the form accepts loads, the same way: full-width folded, the domain in lower case.
    assertThat(MemberCsv.parse(HEADER + "x1,12,3456,1980-04-01,A,ｔａｒｏ+kenpo@Example.JP\n").get(0).email())
        .isEqualTo("taro+kenpo@example.jp");
  }

  @Test
  void refusesAHeaderWithoutTheColumns() {
    ImportRejected rejected = catchThrowableOfType(ImportRejected.class,
        () -> MemberCsv.parse("id,name\nx,y\n"));
    assertThat(rejected.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(1);
      assertThat(p.reason()).contains("missing").contains("user_id");
    });
  }

  @Test
  void refusesAnEmptyFileAndTooShortPasswords() {
    assertThat(catchThrowableOfType(ImportRejected.class, () -> MemberCsv.parse(HEADER)).problems())
        .extracting(ImportProblem::reason).containsExactly("the file holds no members");
    ImportRejected rejected = catchThrowableOfType(ImportRejected.class, () -> MemberCsv.parse(
        "user_id,symbol,number,birthdate,name,email,password\nx1,12,3456,1980-04-01,A,a@example.jp,short\n"));
    assertThat(rejected.problems().get(0).reason()).contains("password");
  }

  @Test
  void issuedPasswordFollowsTheRule() {
    assertThat(new IssuedPasswordRule("{symbol}{number}{birthdate}").passwordFor("12", "3456", LocalDate.of(1980, 4, 1)))
        .isEqualTo("12345619800401");
  }
}
