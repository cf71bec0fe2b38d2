package dev.sekisho.factor;

import dev.sekisho.member.Method;
import dev.sekisho.journey.Journey;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberState;
import dev.sekisho.session.MemberSession.Level;
import dev.sekisho.session.SignInProgress;
import io.vertx.ext.web.Session;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * A point of the sign-in a route is for: the session levels it accepts, what the member must be
 * (their onboarding state, the change under way), and where a page sends anyone else. Checked by
 * {@link StageGuard#requireStage}; a factor package declares the stages of its own routes here or
 * next to them.
 *
 * @param levels       the session levels admitted
 * @param admits       whether this session's member may use the route
 * @param wrongLevel   the page for a session at another level (past the password step)
 * @param refused      the page for a member this stage does not admit
 */
public record Stage(String name, Set<Level> levels, BiPredicate<Session, Member> admits,
                    Function<Level, String> wrongLevel, Function<Refusal, String> refused) {

  /** Who was refused, for choosing where to send them. */
  public record Refusal(Session session, Member member) {}

  /** J3.1: past ID + password, with a method set up, not yet fully signed in. */
  public static final Stage SECOND_STEP = new Stage("second step", EnumSet.of(Level.PASSWORD),
      (session, member) -> member.onboardingState() == MemberState.METHOD_SET_UP,
      level -> "/", r -> Journey.afterPassword(r.member()));

  /** Fully signed in (the member's own pages); a session still at the second step is sent there. */
  public static final Stage SIGNED_IN = new Stage("signed in", EnumSet.of(Level.COMPLETE),
      (session, member) -> true, level -> Journey.VERIFY, r -> Journey.VERIFY);

  /**
   * Setting {@code method} up: the first set-up (past ID + password, member 'onboarded' with this
   * method chosen), or a change from the account page within its window after a fresh check
   * (complete session); a complete session without one goes back to {@code accountPage}.
   */
  public static Stage settingUp(Method method, String accountPage) {
    return new Stage("setting up " + method.code(), EnumSet.of(Level.PASSWORD, Level.COMPLETE),
        (session, member) -> completed(session) ? SignInProgress.of(session).mayChangeTo(method.code())
            : member.onboardingState() == MemberState.ONBOARDED && method == member.chosenMethod(),
        level -> accountPage,
        r -> completed(r.session()) ? accountPage : Journey.afterPassword(r.member()));
  }

  private static boolean completed(Session session) {
    return dev.sekisho.session.MemberSession.level(session) == Level.COMPLETE;
  }
}
