-- A total bound on guessing (NIST SP 800-63B 5.2.2). streak counts the failures since the subject's
-- last success; unlike failures, neither the end of a window nor the end of a lock restarts it. When
-- it reaches login.maxConsecutiveFailures the subject is held (held_since) until the row is deleted:
-- by a success through another path (recovery code, passkey) or by the insurer's unlock.
alter table login_throttle add column streak integer not null default 0;
alter table login_throttle add column held_since timestamptz;
