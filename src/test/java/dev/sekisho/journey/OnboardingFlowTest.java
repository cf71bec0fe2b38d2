package dev.sekisho.journey;

import dev.sekisho.journey.OnboardingFlow.Page;
import dev.sekisho.member.MemberState;
import dev.sekisho.member.Method;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transition table: every allowed and every refused move, and where each state's member belongs. */
class OnboardingFlowTest {
  private static final List<MemberState> ORDER = List.of(MemberState.ISSUED, MemberState.BIRTHDATE_VERIFIED, MemberState.TERMS_ACCEPTED,
      MemberState.EMAIL_CONFIRMED, MemberState.METHOD_CHOSEN, MemberState.PASSWORD_SET, MemberState.ONBOARDED, MemberState.METHOD_SET_UP);

  @Test
  void statesKeepTheirCodesAndOrder() {
    assertThat(MemberState.values()).containsExactlyElementsOf(ORDER);
    assertThat(ORDER.stream().map(MemberState::code)).containsExactly("issued", "birthdate_verified", "terms_accepted",
        "email_confirmed", "method_chosen", "password_set", "onboarded", "method_set_up");
    for (MemberState s : ORDER) {
      assertThat(MemberState.of(s.code())).isEqualTo(s);
    }
    assertThatThrownBy(() -> MemberState.of("bogus")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theMemberMovesOnlyOneStepForward() {
    for (int i = 0; i < ORDER.size(); i++) {
      for (int j = 0; j < ORDER.size(); j++) {
        boolean expected = j == i + 1;
        assertThat(Transitions.allows(ORDER.get(i), ORDER.get(j), Actor.MEMBER))
            .as("%s -> %s", ORDER.get(i), ORDER.get(j)).isEqualTo(expected);
      }
    }
    assertThat(Transitions.next(MemberState.METHOD_SET_UP)).isEmpty();
    assertThat(Transitions.next(MemberState.ISSUED)).contains(MemberState.BIRTHDATE_VERIFIED);
  }

  @Test
  void theInsurerResetsToIssuedFromAnywhereAndMovesOnlyBetweenSetUpAndOnboardedOtherwise() {
    for (MemberState from : ORDER) {
      for (MemberState to : ORDER) {
        boolean expected = to == MemberState.ISSUED
            || from == MemberState.METHOD_SET_UP && to == MemberState.ONBOARDED
            || from == MemberState.ONBOARDED && to == MemberState.METHOD_SET_UP;
        assertThat(Transitions.allows(from, to, Actor.INSURER)).as("%s -> %s by insurer", from, to).isEqualTo(expected);
      }
    }
  }

  @Test
  void eachPageBelongsToOneStateAndItsFormMovesOneStep() {
    assertThat(OnboardingFlow.target(Page.BIRTHDATE)).isEqualTo(MemberState.BIRTHDATE_VERIFIED);
    assertThat(OnboardingFlow.target(Page.TERMS)).isEqualTo(MemberState.TERMS_ACCEPTED);
    assertThat(OnboardingFlow.target(Page.EMAIL)).isEqualTo(MemberState.EMAIL_CONFIRMED);
    assertThat(OnboardingFlow.target(Page.WAIT)).isEqualTo(MemberState.EMAIL_CONFIRMED);
    assertThat(OnboardingFlow.target(Page.METHOD)).isEqualTo(MemberState.METHOD_CHOSEN);
    assertThat(OnboardingFlow.target(Page.PASSWORD)).isEqualTo(MemberState.PASSWORD_SET);
    assertThat(OnboardingFlow.target(Page.COMPLETE)).isEqualTo(MemberState.ONBOARDED);
  }

  @Test
  void everyPageOfAnotherStateRedirectsToTheCurrentOne() {
    for (MemberState state : ORDER) {
      for (Page page : Page.values()) {
        String redirect = OnboardingFlow.redirectFor(state, page, Method.TOTP, false);
        if (page.state() == state) {
          assertThat(redirect).as("%s on %s", state, page).isNull();
        } else {
          assertThat(redirect).as("%s on %s", state, page).isEqualTo(OnboardingFlow.pageFor(state, Method.TOTP));
        }
      }
    }
  }

  @Test
  void wherEachStateBelongs() {
    assertThat(OnboardingFlow.pageFor(MemberState.ISSUED, null)).isEqualTo("/sekisho/onboarding/birthdate");
    assertThat(OnboardingFlow.pageFor(MemberState.BIRTHDATE_VERIFIED, null)).isEqualTo("/sekisho/onboarding/terms");
    assertThat(OnboardingFlow.pageFor(MemberState.TERMS_ACCEPTED, null)).isEqualTo("/sekisho/onboarding/email");
    assertThat(OnboardingFlow.pageFor(MemberState.EMAIL_CONFIRMED, null)).isEqualTo("/sekisho/onboarding/method");
    assertThat(OnboardingFlow.pageFor(MemberState.METHOD_CHOSEN, Method.EMAIL)).isEqualTo("/sekisho/onboarding/password");
    assertThat(OnboardingFlow.pageFor(MemberState.PASSWORD_SET, Method.EMAIL)).isEqualTo("/sekisho/onboarding/complete");
    assertThat(OnboardingFlow.pageFor(MemberState.ONBOARDED, Method.PASSKEY)).isEqualTo(Journey.SETUP_PREFIX + "passkey");
    assertThat(OnboardingFlow.pageFor(MemberState.METHOD_SET_UP, Method.PASSKEY)).isEqualTo(Journey.VERIFY);
  }

  @Test
  void anOutdatedTermsVersionSendsMembersPastTheTermsStepBackToTheTermsPage() {
    for (MemberState state : ORDER) {
      String page = OnboardingFlow.pageFor(state, Method.TOTP, true);
      if (state.ordinal() > MemberState.BIRTHDATE_VERIFIED.ordinal()) {
        assertThat(page).as("%s", state).isEqualTo(Page.TERMS.path());
        assertThat(OnboardingFlow.redirectFor(state, Page.TERMS, Method.TOTP, true)).isNull();
        assertThat(OnboardingFlow.redirectFor(state, Page.METHOD, Method.TOTP, true)).isEqualTo(Page.TERMS.path());
      } else {
        assertThat(page).as("%s", state).isEqualTo(OnboardingFlow.pageFor(state, Method.TOTP));
      }
    }
  }
}
