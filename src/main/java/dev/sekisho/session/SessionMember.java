package dev.sekisho.session;

/**
 * The member columns the gateway needs to let a request through, read by the same statement as
 * the session (see {@link GatewaySessionStore}). A snapshot of that one statement, held only by
 * the request's session object: never cached, never stored.
 */
public record SessionMember(long id, String loginId, String name, String email, String onboardingState,
                            String chosenMethod, boolean passwordMustChange) {
}
