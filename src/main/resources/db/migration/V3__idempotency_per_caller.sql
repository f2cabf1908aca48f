-- Idempotency records belong to the key that made the first request (or the operator), not to the whole
-- workspace: another caller's retry with the same Idempotency-Key must never replay someone else's plain key.
-- Older records get a caller no request can have, so they are never replayed again; the purge job removes them.
alter table idempotency_record add column caller varchar(64) not null default 'before-v3';
alter table idempotency_record alter column caller drop default;
alter table idempotency_record drop constraint idempotency_record_pkey;
alter table idempotency_record add primary key (workspace_id, caller, idempotency_key);
