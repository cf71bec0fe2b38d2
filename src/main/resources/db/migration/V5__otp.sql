-- One-time passwords (issue 4). Secrets are AES-GCM ciphertexts (nonce || ciphertext+tag) with the
-- id of the key that sealed them, so the key can rotate; codes are stored only as keyed hashes.

-- The active TOTP key of a member. last_step is the last accepted time step: a check advances it
-- with one conditional UPDATE, so the same code can never pass twice, even across processes.
create table otp_totp (
  member_id      bigint primary key references member(id) on delete cascade,
  credential_id  bigint generated always as identity unique,
  key_id         text not null,
  secret         bytea not null,
  algorithm      text not null default 'SHA1' check (algorithm in ('SHA1', 'SHA256', 'SHA512')),
  digits         integer not null default 6 check (digits between 6 and 8),
  period         integer not null default 30 check (period between 10 and 300),
  last_step      bigint not null default -1,
  created_at     timestamptz not null default now(),
  last_used_at   timestamptz
);

-- A key being set up (J2.4-J2.6) or re-created: not usable for login until a current code was typed.
create table otp_totp_pending (
  member_id   bigint primary key references member(id) on delete cascade,
  key_id      text not null,
  secret      bytea not null,
  created_at  timestamptz not null default now()
);

-- Hardware tokens (RFC 4226) the insurer assigns. counter is the next counter value expected.
create table otp_hotp (
  member_id    bigint primary key references member(id) on delete cascade,
  serial       text not null unique,
  key_id       text not null,
  secret       bytea not null,
  algorithm    text not null default 'SHA1' check (algorithm in ('SHA1', 'SHA256', 'SHA512')),
  digits       integer not null default 6 check (digits between 6 and 8),
  counter      bigint not null default 0,
  created_at   timestamptz not null default now(),
  last_used_at timestamptz
);

-- The one live email code of a member. A resend replaces the row: the previous code is gone.
create table otp_email_code (
  member_id    bigint primary key references member(id) on delete cascade,
  key_id       text not null,
  code_hash    bytea not null,
  expires_at   timestamptz not null,
  tries        integer not null default 0,
  used         boolean not null default false,
  sent_at      timestamptz not null default now(),
  hour_start   timestamptz not null default now(),
  hour_count   integer not null default 1
);

-- Single-use recovery codes, keyed hashes only.
create table otp_recovery_code (
  member_id   bigint not null references member(id) on delete cascade,
  code_hash   bytea not null,
  key_id      text not null,
  created_at  timestamptz not null default now(),
  used_at     timestamptz,
  primary key (member_id, code_hash)
);

-- The method the member used last, offered first on the choice page.
alter table member add column last_method text
  check (last_method in ('passkey', 'totp', 'email', 'hotp'));
