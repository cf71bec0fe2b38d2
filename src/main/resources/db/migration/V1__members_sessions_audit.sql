-- Members as the insurer loads them. login_id is stored NFKC-normalised and trimmed,
-- so an ID typed with a full-width keyboard matches the one the insurer issued.
create table member (
  id                    bigint generated always as identity primary key,
  login_id              text not null unique,
  card_symbol           text not null,
  card_number           text not null,
  birthdate             date not null,
  name                  text not null,
  email                 text not null,
  password_hash         text not null,
  password_must_change  boolean not null default true,
  onboarding_state      text not null default 'issued',
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  last_login_at         timestamptz
);

-- Failed-attempt counters, keyed by subject ('id:<login id>' or 'ip:<address>') rather than by
-- member row, so an unknown ID locks exactly like a known one and nothing tells them apart.
create table login_throttle (
  subject       text primary key,
  failures      integer not null default 0,
  window_start  timestamptz not null default now(),
  locked_until  timestamptz
);

-- Web sessions, shared by every gateway process. The id is stored only as its SHA-256.
create table http_session (
  id_hash       bytea primary key,
  member_id     bigint references member(id) on delete cascade,
  data          bytea not null,
  created_at    timestamptz not null default now(),
  expires_at    timestamptz not null
);
create index http_session_member on http_session(member_id);
create index http_session_expiry on http_session(expires_at);

-- The audit log is append-only for the application.
create table audit_event (
  id          bigint generated always as identity primary key,
  at          timestamptz not null default now(),
  member_id   bigint,
  login_id    text,
  kind        text not null,
  outcome     text not null,
  ip          text,
  user_agent  text,
  detail      jsonb not null default '{}'::jsonb
);
create index audit_event_member on audit_event(member_id, at desc);
create index audit_event_at on audit_event(at desc);

create function audit_event_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only';
end $$;
create trigger audit_event_no_change before update or delete on audit_event
  for each row execute function audit_event_is_append_only();
