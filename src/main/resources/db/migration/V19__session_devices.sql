-- The member's own list of sessions (account page, ASVS 3.3.4): where and on what each sign-in
-- was made and when it was last used. Written by session/PgSessionStore only: the address and
-- browser at the new sign-in's insert (carried over when a later step of the same sign-in takes a
-- new id), the last use at every write-back.
alter table http_session add column user_agent text;
alter table http_session add column client_address text;
alter table http_session add column last_used_at timestamptz not null default now();
-- What the page names a session by when the member ends it: not the id's hash, which is the key
-- to the row (a copy of the page then says nothing about the session id, even hashed). Not
-- indexed: it is only ever looked for among one member's rows (http_session_member), and every
-- index entry costs each OTP check that renews a session (V14).
alter table http_session add column ref bigint generated always as identity;
