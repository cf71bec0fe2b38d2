package dev.sekisho.onboarding;

import dev.sekisho.journey.OnboardingFlow;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberState;

import java.time.OffsetDateTime;

/**
 * Where a member is in onboarding, read in one query: the state, whether a newer terms version
 * must be accepted, and the confirmation mail outstanding (address and when it was sent).
 */
public record Progress(Member member, MemberState state, String termsVersion, boolean termsOutdated,
                       String pendingEmail, OffsetDateTime lastSentAt, OffsetDateTime setupDeadline) {

  public long memberId() {
    return member.id();
  }

  /** Where this member belongs now. */
  public String page() {
    if (state == MemberState.TERMS_ACCEPTED && pendingEmail != null) {
      return OnboardingFlow.Page.WAIT.path();
    }
    return OnboardingFlow.pageFor(state, member.chosenMethod(), termsOutdated);
  }

  /** Null when the page may be shown, else where to go instead. */
  public String redirectFor(OnboardingFlow.Page page) {
    return OnboardingFlow.redirectFor(state, page, member.chosenMethod(), termsOutdated) == null ? null : page();
  }
}
