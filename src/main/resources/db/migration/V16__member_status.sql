-- 資格喪失 and suspensions: a deactivated member cannot log in and has no live session until the
-- insurer reactivates them. Its own column, not an onboarding state: deactivation is orthogonal to
-- the journey (a member keeps their place in it and resumes there when reactivated), and the journey
-- engine stays the only writer of onboarding_state. Null: active. Who deactivated is in the audit log.
alter table member add column deactivated_at timestamptz;
