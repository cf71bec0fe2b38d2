-- Issue 17: members change their own email address, and are told by mail of every change to their
-- account's security.

-- The language of the member's mails. Security notices often reach a member outside any request of
-- theirs (the insurer's reset, a lock caused by someone else's guesses), so the language is kept:
-- the page language of the member's latest login.
alter table member add column mail_language text not null default 'ja' check (mail_language in ('ja', 'en'));

-- A requested change of address, confirmed by a link mailed to the new address. Until then the
-- member's address (member.email) stays the old one. Only the SHA-256 of the link's token is kept.
create table email_change (
  id          bigint generated always as identity primary key,
  member_id   bigint not null references member(id) on delete cascade,
  token_hash  bytea not null unique,
  new_email   text not null,
  old_email   text not null,
  expires_at  timestamptz not null,
  created_at  timestamptz not null default now(),
  used_at     timestamptz,
  revoked_at  timestamptz
);
create index email_change_member on email_change(member_id, created_at);
