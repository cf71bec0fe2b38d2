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
