-- Insurer staff: their own accounts, apart from members. A staff member is created with a
-- one-time set-up link (only its SHA-256 is stored); following it sets the password (Argon2id,
-- like members') and the TOTP key (sealed with the secret box, like members' keys).
create table staff (
  id                text primary key,
  name              text not null,
  role              text not null check (role in ('admin', 'operator', 'helpdesk', 'auditor')),
  password_hash     text,
  totp_key_id       text,
  totp_sealed       bytea,
  -- The last TOTP time step accepted: a code is good once (no replay within its 30 s window).
  totp_last_step    bigint not null default 0,
  setup_token_hash  bytea unique,
  setup_expires_at  timestamptz,
  active            boolean not null default true,
  created_by        text,
  created_at        timestamptz not null default now(),
  last_login_at     timestamptz
);

-- Per-staff API tokens for the JSON admin API: scoped to a role no wider than the owner's, shown
-- once, stored as SHA-256 only, revocable, with an expiry. The configured admin.token stays as
-- the bootstrap.
create table staff_token (
  id            bigint generated always as identity primary key,
  staff_id      text not null references staff(id) on delete cascade,
  label         text not null,
  role          text not null check (role in ('admin', 'operator', 'helpdesk', 'auditor')),
  token_hash    bytea not null unique,
  created_at    timestamptz not null default now(),
  expires_at    timestamptz not null,
  revoked_at    timestamptz,
  last_used_at  timestamptz
);
create index staff_token_owner on staff_token(staff_id);
