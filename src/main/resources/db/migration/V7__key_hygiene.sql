-- Key hygiene (API.md section 9): last_used_at is the last valid or successful use; denied attempts go to
-- last_denied_at, so a key that only fails still shows as unused. A workspace may bound how long its keys live
-- (max_key_lifetime_days) and choose what a leak report does to a key (leak_action).
alter table api_key add column last_denied_at timestamptz;

alter table workspace
    add column max_key_lifetime_days integer check (max_key_lifetime_days between 1 and 36500),
    add column leak_action varchar(8) not null default 'revoke' check (leak_action in ('revoke', 'pause'));

-- the stale-key filter (unused_for) reads the last use, or the creation of a key never used
create index api_key_last_use_idx on api_key (workspace_id, coalesce(last_used_at, created_at));
