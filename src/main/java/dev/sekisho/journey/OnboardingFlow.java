package dev.sekisho.journey;

import dev.sekisho.member.MemberState;
import dev.sekisho.member.Method;

/**
 * The pages of the first-login journey (J1) and where a member in each state belongs. Each page
 * belongs to exactly one {@link MemberState}: a request for any other page is sent to the page of
 * the member's current state, so typing a URL, replaying a form or a second tab cannot skip a
 * step. The moves themselves are {@link Transitions}' and {@link JourneyEngine}'s.
 */
public final class OnboardingFlow {
  public static final String BASE = "/sekisho/onboarding";

  /** The onboarding pages and the one state each belongs to. */
  public enum Page {
    BIRTHDATE("birthdate", MemberState.ISSUED),
    TERMS("terms", MemberState.BIRTHDATE_VERIFIED),
    EMAIL("email", MemberState.TERMS_ACCEPTED),
    /** J1.6, waiting for the link to be opened: the same state as the email page. */
    WAIT("wait", MemberState.TERMS_ACCEPTED),
    METHOD("method", MemberState.EMAIL_CONFIRMED),
    PASSWORD("password", MemberState.METHOD_CHOSEN),
    COMPLETE("complete", MemberState.PASSWORD_SET);

    private final String slug;
    private final MemberState state;

    Page(String slug, MemberState state) {
      this.slug = slug;
      this.state = state;
    }

    public String path() {
      return BASE + "/" + slug;
    }

    public MemberState state() {
      return state;
    }
  }

  private OnboardingFlow() {}

  /** The move a page's form makes: from its state to the next. */
  public static MemberState target(Page page) {
    return Transitions.next(page.state()).orElseThrow();
  }

  /** Where a member in this state belongs (an onboarding page, the set-up of the method, or the sign-in check). */
  public static String pageFor(MemberState state, Method chosenMethod) {
    return switch (state) {
      case ISSUED -> Page.BIRTHDATE.path();
      case BIRTHDATE_VERIFIED -> Page.TERMS.path();
      case TERMS_ACCEPTED -> Page.EMAIL.path();
      case EMAIL_CONFIRMED -> Page.METHOD.path();
      case METHOD_CHOSEN -> Page.PASSWORD.path();
      case PASSWORD_SET -> Page.COMPLETE.path();
      case ONBOARDED -> Journey.SETUP_PREFIX + (chosenMethod == null ? "" : chosenMethod.code());
      case METHOD_SET_UP -> Journey.VERIFY;
    };
  }

  /**
   * Where a member belongs, when a new terms version must be accepted again (onboarding.reacceptTerms)
   * before anything else: members past the terms step who accepted an older version see the terms again.
   */
  public static String pageFor(MemberState state, Method chosenMethod, boolean termsOutdated) {
    return termsOutdated && state.ordinal() > MemberState.BIRTHDATE_VERIFIED.ordinal() ? Page.TERMS.path()
        : pageFor(state, chosenMethod);
  }

  /**
   * Null when a member in this state may see the page; otherwise where to send them instead. The
   * terms page is also open to a member who must accept a new version (no state change then).
   */
  public static String redirectFor(MemberState current, Page asked, Method chosenMethod, boolean termsOutdated) {
    String belongs = pageFor(current, chosenMethod, termsOutdated);
    return belongs.equals(asked.path()) || (asked.state() == current && !termsOutdated) ? null : belongs;
  }
}
