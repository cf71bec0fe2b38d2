-- Exponential back-off on guessing: after a few failures each further failure makes the subject
-- wait (doubling, capped) before its next attempt is even evaluated. Separate from locked_until so
-- the end of a wait does not restart the count the way the end of a lock does.
alter table login_throttle add column wait_until timestamptz;
