-- Expiry warnings (API.md section 9): api_key.expiring once per key at 7 days and again at 1 day before expires_at.
-- A warning is sent by whichever replica inserts its row first; the others' inserts conflict and send nothing.
-- The expiry is part of the key, so a key given a new expiry is warned again about that one.
create table expiry_warning (
    key_id      uuid         not null references api_key (id),
    expires_at  timestamptz  not null,
    days        integer      not null check (days in (1, 7)),
    warned_at   timestamptz  not null default now(),
    primary key (key_id, expires_at, days)
);
-- the job's scan: unrevoked keys whose expiry is near
create index api_key_expiry_idx on api_key (expires_at) where status <> 'revoked' and expires_at is not null;
