package dev.sekisho.account;

import dev.sekisho.member.Member;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.session.MemberSession;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Consumer;

/** The account pages are for a member through the whole journey; anyone else goes to the login. */
final class SignedInMember {
  private final MemberRepository members;
  private final Pages pages;

  SignedInMember(MemberRepository members, Pages pages) {
    this.members = members;
    this.pages = pages;
  }

  void then(RoutingContext ctx, Consumer<Member> action) {
    Long memberId = MemberSession.memberId(ctx.session());
    if (memberId == null || MemberSession.level(ctx.session()) != MemberSession.Level.COMPLETE) {
      pages.redirect(ctx, Paths.LOGIN);
      return;
    }
    members.findById(memberId).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result() == null) {
        ctx.session().destroy();
        pages.redirect(ctx, Paths.LOGIN);
      } else {
        action.accept(found.result());
      }
    });
  }
}
