package dev.sekisho.journey;


import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The onboarding state machine (J1), in one place. member.onboarding_state holds a {@link State}
 * code; the only moves are the ones in {@link #NEXT} (one step forward) plus the insurer's reset
 * to {@link State#ISSUED}. Each page belongs to exactly one state: a request for any other page
 * is sent to the page of the member's current state, so typing a URL, replaying a form or a
 * second tab cannot skip a step. The services make each move as a conditional UPDATE
 * ({@code where onboarding_state = <from>}) so two racing requests cannot both win.
 */
public final class OnboardingFlow {
  public static final String BASE = "/sekisho/onboarding";

  /** The persisted states, in order. */
  public enum State {
    ISSUED("issued"),
    BIRTHDATE_VERIFIED("birthdate_verified"),
    TERMS_ACCEPTED("terms_accepted"),
    EMAIL_CONFIRMED("email_confirmed"),
    METHOD_CHOSEN("method_chosen"),
    PASSWORD_SET("password_set"),
    ONBOARDED(Journey.ONBOARDED),
    METHOD_SET_UP(Journey.METHOD_SET_UP);

    private final String code;

    State(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    public static State of(String code) {
      return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown onboarding state " + code));
    }

    /** True while the member is still in the first-login journey (J1.2–J1.10). */
    public boolean inOnboarding() {
      return ordinal() < ONBOARDED.ordinal();
    }
  }

  /** The onboarding pages and the one state each belongs to. */
  public enum Page {
    BIRTHDATE("birthdate", State.ISSUED),
    TERMS("terms", State.BIRTHDATE_VERIFIED),
    EMAIL("email", State.TERMS_ACCEPTED),
    /** J1.6, waiting for the link to be opened: the same state as the email page. */
    WAIT("wait", State.TERMS_ACCEPTED),
    METHOD("method", State.EMAIL_CONFIRMED),
    PASSWORD("password", State.METHOD_CHOSEN),
    COMPLETE("complete", State.PASSWORD_SET);

    private final String slug;
    private final State state;

    Page(String slug, State state) {
      this.slug = slug;
      this.state = state;
    }

    public String path() {
      return BASE + "/" + slug;
    }

    public State state() {
      return state;
    }
  }

  /** The allowed forward moves: each state to the one after it. */
  private static final Map<State, State> NEXT = new EnumMap<>(State.class);

  static {
    State[] states = State.values();
    for (int i = 0; i + 1 < states.length; i++) {
      NEXT.put(states[i], states[i + 1]);
    }
  }

  private OnboardingFlow() {}

  /** The state a member moves to from this one, if any. */
  public static Optional<State> next(State from) {
    return Optional.ofNullable(NEXT.get(from));
  }

  /** Whether the move from → to is allowed: one step forward, or the insurer's reset to issued. */
  public static boolean allowed(State from, State to, boolean byInsurer) {
    if (byInsurer) {
      return to == State.ISSUED;
    }
    return NEXT.get(from) == to;
  }

  /** The move a page's form makes: from its state to the next. */
  public static State target(Page page) {
    return NEXT.get(page.state());
  }

  /** Where a member in this state belongs (an onboarding page, the set-up of the method, or the sign-in check). */
  public static String pageFor(State state, String chosenMethod) {
    return switch (state) {
      case ISSUED -> Page.BIRTHDATE.path();
      case BIRTHDATE_VERIFIED -> Page.TERMS.path();
      case TERMS_ACCEPTED -> Page.EMAIL.path();
      case EMAIL_CONFIRMED -> Page.METHOD.path();
      case METHOD_CHOSEN -> Page.PASSWORD.path();
      case PASSWORD_SET -> Page.COMPLETE.path();
      case ONBOARDED -> Journey.SETUP_PREFIX + (chosenMethod == null ? "" : chosenMethod);
      case METHOD_SET_UP -> Journey.VERIFY;
    };
  }

  /**
   * Where a member belongs, when a new terms version must be accepted again (onboarding.reacceptTerms)
   * before anything else: members past the terms step who accepted an older version see the terms again.
   */
  public static String pageFor(State state, String chosenMethod, boolean termsOutdated) {
    return termsOutdated && state.ordinal() > State.BIRTHDATE_VERIFIED.ordinal() ? Page.TERMS.path()
        : pageFor(state, chosenMethod);
  }

  /**
   * Null when a member in this state may see the page; otherwise where to send them instead. The
   * terms page is also open to a member who must accept a new version (no state change then).
   */
  public static String redirectFor(State current, Page asked, String chosenMethod, boolean termsOutdated) {
    String belongs = pageFor(current, chosenMethod, termsOutdated);
    return belongs.equals(asked.path()) || (asked.state() == current && !termsOutdated) ? null : belongs;
  }
}
