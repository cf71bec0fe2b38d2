-- The second-factor method the member chose during onboarding (J1.7).
alter table member add column chosen_method text
  check (chosen_method in ('passkey', 'totp', 'email', 'hotp'));

-- Which methods a member has set up. Each factor package adds its row in the same transaction
-- that activates its credential and removes it with the last credential, so the choice page,
-- the insurer's view and "never remove the last method" all read one place.
create table member_method (
  member_id     bigint not null references member(id) on delete cascade,
  method        text not null check (method in ('passkey', 'totp', 'email', 'hotp')),
  created_at    timestamptz not null default now(),
  last_used_at  timestamptz,
  primary key (member_id, method)
);
