package dev.sekisho.onboarding;

import dev.sekisho.member.EmailAddresses;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/** The parsing rules of the onboarding forms: addresses (J1.4) and birthdates (J1.2). */
class InputRulesTest {
  @Test
  void emailAddressesAreFoldedAndValidated() {
    assertThat(EmailAddresses.normalize(" Taro.Yamada@Example.JP ")).isEqualTo("Taro.Yamada@example.jp");
    assertThat(EmailAddresses.normalize("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ")).isEqualTo("taro@example.jp");
    assertThat(EmailAddresses.normalize("a+tag@mail.example.co.jp")).isEqualTo("a+tag@mail.example.co.jp");
    for (String bad : new String[] {null, "", "taro", "taro@", "@example.jp", "taro@example", "ta ro@example.jp",
        "taro@@example.jp", ".taro@example.jp", "taro.@example.jp", "ta..ro@example.jp", "taro@-example.jp",
        "太郎@example.jp", "taro@example.jp\r\nBcc: x@y.jp", "a".repeat(250) + "@example.jp"}) {
      assertThat(EmailAddresses.normalize(bad)).as(String.valueOf(bad)).isNull();
    }
  }

  @Test
  void birthdatesInTheUsualWritings() {
    LocalDate expected = LocalDate.of(1980, 4, 1);
    for (String typed : new String[] {"1980-04-01", "19800401", "1980/4/1", "１９８０／０４／０１", " 1980.04.01 "}) {
      assertThat(OnboardingRoutes.parseDate(typed)).as(typed).isEqualTo(expected);
    }
    for (String bad : new String[] {null, "", "1980-02-30", "80-04-01", "April 1st", "1980-13-01", "198004011"}) {
      assertThat(OnboardingRoutes.parseDate(bad)).as(String.valueOf(bad)).isNull();
    }
  }
}
