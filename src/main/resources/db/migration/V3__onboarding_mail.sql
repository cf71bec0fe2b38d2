-- Onboarding (J1): what each step records, next to the state it moves. The state codes are the
-- ones of dev.sekisho.onboarding.OnboardingFlow; the check keeps a typo from becoming a state.
alter table member
  add column birthdate_verified_at timestamptz,
  add column terms_version         text,
  add column terms_accepted_at     timestamptz,
  add column email_confirmed_at    timestamptz,
  add column password_changed_at   timestamptz,
  add column onboarded_at          timestamptz,
  -- The day by which the chosen method must be set up (J2); past it, login is refused until the
  -- insurer extends it or resets onboarding.
  add column setup_deadline        timestamptz,
  add constraint member_onboarding_state_known check (onboarding_state in ('issued', 'birthdate_verified',
    'terms_accepted', 'email_confirmed', 'method_chosen', 'password_set', 'onboarded', 'method_set_up'));

-- Single-use email confirmation links (J1.5). Only the SHA-256 of the token is stored; the
-- address being confirmed is kept here and copied to the member only when the link is opened.
create table email_confirmation (
  id          bigint generated always as identity primary key,
  member_id   bigint not null references member(id) on delete cascade,
  token_hash  bytea not null unique,
  email       text not null,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null,
  used_at     timestamptz,
  -- Set when a newer link replaced this one, so an old mail cannot confirm an old address.
  revoked_at  timestamptz
);
create index email_confirmation_member on email_confirmation(member_id, created_at desc);

-- Outgoing mail, written in the same transaction as the change that causes it, delivered by
-- MailDeliveryVerticle. Rows are claimed with FOR UPDATE SKIP LOCKED so several gateway processes
-- share the work without sending a mail twice. The body is cleared once the mail is sent: it may
-- carry a link or a code that must not outlive its delivery.
create table mail_outbox (
  id               bigint generated always as identity primary key,
  member_id        bigint references member(id) on delete set null,
  kind             text not null,
  recipient        text not null,
  subject          text not null,
  body             text not null,
  status           text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts         integer not null default 0,
  next_attempt_at  timestamptz not null default now(),
  claimed_until    timestamptz,
  last_error       text,
  created_at       timestamptz not null default now(),
  sent_at          timestamptz
);
create index mail_outbox_due on mail_outbox(next_attempt_at) where status in ('pending', 'sending');
create index mail_outbox_undelivered on mail_outbox(created_at desc) where status <> 'sent';
