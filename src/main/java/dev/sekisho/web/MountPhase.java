package dev.sekisho.web;

/**
 * The phases of the gateway's router, in the order their routes are mounted. Order is security
 * here: a request meets the handlers of an earlier phase first, so the session, body and CSRF
 * handlers must come before the member pages, and the hot path before everything that would slow
 * it. {@link GatewayRouter} mounts by this order whatever order the modules are listed in.
 */
public enum MountPhase {
  /** Every request: the slow-client limits, the request log, the malformed-path refusal and the security headers. */
  REQUEST_GUARDS,
  /** The OTP API's one-statement TOTP check of a bearer session, before any session read. */
  HOT_PATHS,
  /** Health, readiness and metrics: no session. */
  OPERATIONS,
  /** The gateway's own static files: no session. */
  STATIC,
  /** The portal's requests (proxy and forward-auth), with their own session-and-member read. */
  PORTAL,
  /** The insurer's admin API: a bearer token, no member session. Its catch-all 404 ends the phase. */
  ADMIN_API,
  /** The member session (cookie, or bearer token on the API) for everything below. */
  SESSION,
  /** The body handler and the CSRF check of the gateway's own forms. */
  FORMS_AND_CSRF,
  /** The member's pages and the JSON API: sign-in, first login, second factors, account. */
  MEMBER_PAGES,
  /** Not found, and the failure handler. */
  FALLBACK
}
