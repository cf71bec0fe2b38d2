-- Passkeys (WebAuthn credentials, J2.1-J2.3, J3.1). Owned by dev.sekisho.factor.passkey.

-- One stable, random WebAuthn user handle per member: an authenticator keeps one passkey per
-- (rpId, user handle), and the handle must not reveal who the member is.
create table passkey_user (
  member_id    bigint primary key references member(id) on delete cascade,
  user_handle  bytea not null unique
);

create table passkey (
  id                  bigint generated always as identity primary key,
  member_id           bigint not null references member(id) on delete cascade,
  -- base64url (no padding), exactly as the browser reports it in PublicKeyCredential.id
  credential_id       text not null unique,
  -- the COSE_Key (CBOR) of the credential's public key
  public_key          bytea not null,
  sign_count          bigint not null default 0 check (sign_count >= 0),
  aaguid              text,
  attestation_format  text,
  transports          text[] not null default '{}',
  backup_eligible     boolean not null default false,
  backup_state        boolean not null default false,
  name                text not null,
  created_at          timestamptz not null default now(),
  last_used_at        timestamptz
);
create index passkey_member on passkey(member_id);

-- Challenges handed to the browser, stored hashed. Deleting the row is what uses a challenge up,
-- so it can be used once even when two gateway processes race on it.
create table passkey_challenge (
  challenge_hash  bytea primary key,
  purpose         text not null check (purpose in ('register', 'login', 'discover')),
  -- null for passkey-first sign-in, where nobody is known until the passkey answers
  member_id       bigint references member(id) on delete cascade,
  expires_at      timestamptz not null
);
create index passkey_challenge_expiry on passkey_challenge(expires_at);
