-- Member imports as background jobs (issue 16 items 2 and 5). An upload is checked at once (the
-- dry-run report) and its valid rows are staged in import_job_row, in the database every gateway
-- process shares, so any process can run the job and a restart loses nothing. A password given in
-- the file is sealed with the secret box (context "import:JOB:LINE"), never stored in clear.
--
-- Progress is exact: each chunk's member upserts, the deletion of its staged rows and the job's
-- counters commit in one transaction, so a job stopped anywhere resumes from its last committed
-- chunk (the staged rows left) and no chunk is applied twice or half.
create table import_job (
  id                bigint generated always as identity primary key,
  -- checked: dry-run done, clean, waiting for a start; rejected: a bad line, cannot start;
  -- discarded: checked but never started within a day. A job is never left 'interrupted': one a
  -- stopped process held is resumed by the next (import_job.resumes counts it).
  state             text not null check (state in ('checked', 'rejected', 'queued', 'running', 'done', 'failed',
                                                   'discarded')),
  file_name         text,
  -- The staff member who uploaded the file and who started the job; null: the bootstrap admin.token.
  checked_by        text,
  started_by        text,
  total             integer not null,
  to_insert         integer not null,
  to_update         integer not null,
  refused           integer not null,
  -- Every bad line as {"line": n, "reason": "..."} (the first 1000, then one line counting the rest).
  problems          jsonb not null default '[]',
  done              integer not null default 0,
  inserted          integer not null default 0,
  updated           integer not null default 0,
  passwords_issued  integer not null default 0,
  -- How many times a process took the job over from one that stopped or vanished mid-way.
  resumes           integer not null default 0,
  -- The process running it and until when its claim holds (renewed while it works).
  owner             text,
  lease_until       timestamptz,
  error             text,
  created_at        timestamptz not null default now(),
  queued_at         timestamptz,
  started_at        timestamptz,
  finished_at       timestamptz
);
create index import_job_waiting on import_job(id) where state in ('queued', 'running');

create table import_job_row (
  job_id           bigint not null references import_job(id) on delete cascade,
  line             integer not null,
  login_id         text not null,
  card_symbol      text not null,
  card_number      text not null,
  birthdate        date not null,
  name             text not null,
  email            text not null,
  password_key_id  text,
  password_sealed  bytea,
  primary key (job_id, line)
);
