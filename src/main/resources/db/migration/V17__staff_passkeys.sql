-- Passkeys as a staff second factor (issue 16), beside TOTP: the members' WebAuthn ceremony
-- (factor/passkey, webauthn4j) on tables of the staff's own, so a member's passkey can never sign
-- a staff member in, nor the other way round.

-- One stable, random WebAuthn user handle per staff member: an authenticator then replaces, not
-- piles up, that staff member's passkeys, and the handle does not reveal who it is.
alter table staff add column passkey_handle bytea unique;

create table staff_passkey (
  id                  bigint generated always as identity primary key,
  staff_id            text not null references staff(id) on delete cascade,
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
create index staff_passkey_owner on staff_passkey(staff_id);

-- Challenges, stored hashed; deleting the row uses one up, once, even across gateway processes.
create table staff_passkey_challenge (
  challenge_hash  bytea primary key,
  purpose         text not null check (purpose in ('register', 'login')),
  staff_id        text not null references staff(id) on delete cascade,
  expires_at      timestamptz not null
);
create index staff_passkey_challenge_expiry on staff_passkey_challenge(expires_at);
