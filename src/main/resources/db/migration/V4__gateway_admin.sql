-- The insurer's audit search filters by kind and outcome over a time range, newest first.
create index audit_event_kind on audit_event(kind, at desc);
-- Audit events that name a user ID without a member (a login with an unknown ID) are found by it too.
create index audit_event_login on audit_event(login_id, at desc);
