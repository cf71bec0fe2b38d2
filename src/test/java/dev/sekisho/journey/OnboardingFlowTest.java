package dev.sekisho.journey;

import dev.sekisho.journey.OnboardingFlow.Page;
import dev.sekisho.journey.OnboardingFlow.State;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transition table: every allowed and every refused move, and where each state's member belongs. */
class OnboardingFlowTest {
  private static final List<State> ORDER = List.of(State.ISSUED, State.BIRTHDATE_VERIFIED, State.TERMS_ACCEPTED,
      State.EMAIL_CONFIRMED, State.METHOD_CHOSEN, State.PASSWORD_SET, State.ONBOARDED, State.METHOD_SET_UP);

  @Test
  void statesKeepTheirCodesAndOrder() {
    assertThat(State.values()).containsExactlyElementsOf(ORDER);
    assertThat(ORDER.stream().map(State::code)).containsExactly("issued", "birthdate_verified", "terms_accepted",
        "email_confirmed", "method_chosen", "password_set", "onboarded", "method_set_up");
    assertThat(State.ONBOARDED.code()).isEqualTo(Journey.ONBOARDED);
    assertThat(State.METHOD_SET_UP.code()).isEqualTo(Journey.METHOD_SET_UP);
    for (State s : ORDER) {
      assertThat(State.of(s.code())).isEqualTo(s);
    }
    assertThatThrownBy(() -> State.of("bogus")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyOneStepForwardIsAllowed() {
    for (int i = 0; i < ORDER.size(); i++) {
      for (int j = 0; j < ORDER.size(); j++) {
        boolean expected = j == i + 1;
        assertThat(OnboardingFlow.allowed(ORDER.get(i), ORDER.get(j), false))
            .as("%s -> %s", ORDER.get(i), ORDER.get(j)).isEqualTo(expected);
      }
    }
    assertThat(OnboardingFlow.next(State.METHOD_SET_UP)).isEmpty();
    assertThat(OnboardingFlow.next(State.ISSUED)).contains(State.BIRTHDATE_VERIFIED);
  }

  @Test
  void theInsurerMayOnlyResetToIssued() {
    for (State from : ORDER) {
      for (State to : ORDER) {
        assertThat(OnboardingFlow.allowed(from, to, true)).as("%s -> %s by insurer", from, to)
            .isEqualTo(to == State.ISSUED);
      }
    }
  }

  @Test
  void eachPageBelongsToOneStateAndItsFormMovesOneStep() {
    assertThat(OnboardingFlow.target(Page.BIRTHDATE)).isEqualTo(State.BIRTHDATE_VERIFIED);
    assertThat(OnboardingFlow.target(Page.TERMS)).isEqualTo(State.TERMS_ACCEPTED);
    assertThat(OnboardingFlow.target(Page.EMAIL)).isEqualTo(State.EMAIL_CONFIRMED);
    assertThat(OnboardingFlow.target(Page.WAIT)).isEqualTo(State.EMAIL_CONFIRMED);
    assertThat(OnboardingFlow.target(Page.METHOD)).isEqualTo(State.METHOD_CHOSEN);
    assertThat(OnboardingFlow.target(Page.PASSWORD)).isEqualTo(State.PASSWORD_SET);
    assertThat(OnboardingFlow.target(Page.COMPLETE)).isEqualTo(State.ONBOARDED);
  }

  @Test
  void everyPageOfAnotherStateRedirectsToTheCurrentOne() {
    for (State state : ORDER) {
      for (Page page : Page.values()) {
        String redirect = OnboardingFlow.redirectFor(state, page, "totp", false);
        if (page.state() == state) {
          assertThat(redirect).as("%s on %s", state, page).isNull();
        } else {
          assertThat(redirect).as("%s on %s", state, page).isEqualTo(OnboardingFlow.pageFor(state, "totp"));
        }
      }
    }
  }

  @Test
  void wherEachStateBelongs() {
    assertThat(OnboardingFlow.pageFor(State.ISSUED, null)).isEqualTo("/sekisho/onboarding/birthdate");
    assertThat(OnboardingFlow.pageFor(State.BIRTHDATE_VERIFIED, null)).isEqualTo("/sekisho/onboarding/terms");
    assertThat(OnboardingFlow.pageFor(State.TERMS_ACCEPTED, null)).isEqualTo("/sekisho/onboarding/email");
    assertThat(OnboardingFlow.pageFor(State.EMAIL_CONFIRMED, null)).isEqualTo("/sekisho/onboarding/method");
    assertThat(OnboardingFlow.pageFor(State.METHOD_CHOSEN, "email")).isEqualTo("/sekisho/onboarding/password");
    assertThat(OnboardingFlow.pageFor(State.PASSWORD_SET, "email")).isEqualTo("/sekisho/onboarding/complete");
    assertThat(OnboardingFlow.pageFor(State.ONBOARDED, "passkey")).isEqualTo(Journey.SETUP_PREFIX + "passkey");
    assertThat(OnboardingFlow.pageFor(State.METHOD_SET_UP, "passkey")).isEqualTo(Journey.VERIFY);
  }

  @Test
  void anOutdatedTermsVersionSendsMembersPastTheTermsStepBackToTheTermsPage() {
    for (State state : ORDER) {
      String page = OnboardingFlow.pageFor(state, "totp", true);
      if (state.ordinal() > State.BIRTHDATE_VERIFIED.ordinal()) {
        assertThat(page).as("%s", state).isEqualTo(Page.TERMS.path());
        assertThat(OnboardingFlow.redirectFor(state, Page.TERMS, "totp", true)).isNull();
        assertThat(OnboardingFlow.redirectFor(state, Page.METHOD, "totp", true)).isEqualTo(Page.TERMS.path());
      } else {
        assertThat(page).as("%s", state).isEqualTo(OnboardingFlow.pageFor(state, "totp"));
      }
    }
  }
}
