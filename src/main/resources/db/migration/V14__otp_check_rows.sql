-- Fewer pages and index entries written per passed OTP check (issue 15, item 2). Under load every
-- check's commit waits for the WAL flush (wait event LWLock:WALWrite), and what a check writes to
-- the WAL is mostly whole pages: the first change of a page after a checkpoint logs the page
-- itself (full_page_writes). So each page a check dirties, and each index entry, costs.

-- Room on each page for the next version of a row, so an update can stay on its page: a HOT update
-- (no index entry, no second page) when no indexed column changes, as for otp_totp's last_step,
-- member_method's last use and member's last method. http_session's row changes its id on a check
-- (a new id_hash: not HOT), but its successor version still lands on the page already written.
-- fillfactor governs pages filled from now on; full pages of an existing table free their room as
-- old versions are pruned.
alter table otp_totp set (fillfactor = 90);
alter table member_method set (fillfactor = 90);
alter table member set (fillfactor = 90);
alter table http_session set (fillfactor = 80);

-- Every session write put a new entry at the right-hand end of this index (expires_at is always
-- "now + timeout": one page all writers share) and, because expires_at is indexed, no update of
-- a session (renewal, a later sign-in step) could be HOT. Its only readers are the sweeper
-- (every 5 minutes: a sequential scan deletes the expired rows just as well) and the session
-- store's count of live sessions; reads by id and by member have their own indexes.
drop index if exists http_session_expiry;
