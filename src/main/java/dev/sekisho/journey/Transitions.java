package dev.sekisho.journey;

import dev.sekisho.member.MemberState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.sekisho.journey.Actor.INSURER;
import static dev.sekisho.journey.Actor.MEMBER;
import static dev.sekisho.member.MemberState.BIRTHDATE_VERIFIED;
import static dev.sekisho.member.MemberState.EMAIL_CONFIRMED;
import static dev.sekisho.member.MemberState.ISSUED;
import static dev.sekisho.member.MemberState.METHOD_CHOSEN;
import static dev.sekisho.member.MemberState.METHOD_SET_UP;
import static dev.sekisho.member.MemberState.ONBOARDED;
import static dev.sekisho.member.MemberState.PASSWORD_SET;
import static dev.sekisho.member.MemberState.TERMS_ACCEPTED;

/**
 * Every move of member.onboarding_state that exists, and who may make it: the one table the
 * {@link JourneyEngine} checks before it writes. A move not listed here is refused, whoever asks.
 */
public final class Transitions {
  /** One allowed move; {@code why} says which step or lever makes it. */
  public record Transition(MemberState from, MemberState to, Actor by, String why) {
  }

  private static final List<Transition> ALL = table();

  private Transitions() {}

  private static List<Transition> table() {
    List<Transition> moves = new ArrayList<>(List.of(
        new Transition(ISSUED, BIRTHDATE_VERIFIED, MEMBER, "J1.2 birthdate verified"),
        new Transition(BIRTHDATE_VERIFIED, TERMS_ACCEPTED, MEMBER, "J1.3 terms accepted"),
        new Transition(TERMS_ACCEPTED, EMAIL_CONFIRMED, MEMBER, "J1.5 confirmation link opened"),
        new Transition(EMAIL_CONFIRMED, METHOD_CHOSEN, MEMBER, "J1.7 second factor chosen"),
        new Transition(METHOD_CHOSEN, PASSWORD_SET, MEMBER, "J1.8 own password set"),
        new Transition(PASSWORD_SET, ONBOARDED, MEMBER, "J1.9 onboarding finished, set-up deadline starts"),
        new Transition(ONBOARDED, METHOD_SET_UP, MEMBER, "J2 the member activated a method"),
        new Transition(ONBOARDED, METHOD_SET_UP, INSURER, "a TOTP key installed or an HOTP token assigned by the insurer"),
        new Transition(METHOD_SET_UP, ONBOARDED, INSURER, "every factor removed (lost phone): set-up again")));
    // The insurer may start onboarding over from anywhere, also from 'issued' (revokes links, ends sessions).
    for (MemberState from : MemberState.values()) {
      moves.add(new Transition(from, ISSUED, INSURER, "onboarding started over"));
    }
    return List.copyOf(moves);
  }

  /** The whole table, in the journey's order (the insurer's resets last). */
  public static List<Transition> all() {
    return ALL;
  }

  public static boolean allows(MemberState from, MemberState to, Actor by) {
    return ALL.stream().anyMatch(t -> t.from() == from && t.to() == to && t.by() == by);
  }

  /** The member's own step forward from this state, if there is one. */
  public static Optional<MemberState> next(MemberState from) {
    return ALL.stream().filter(t -> t.from() == from && t.by() == MEMBER).map(Transition::to).findFirst();
  }
}
