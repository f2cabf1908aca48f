-- Keyplane schema. Later changes add columns in new versioned migrations; never edit an applied one.

create table workspace (
    id          uuid primary key,
    name        varchar(200) not null,
    status      varchar(16)  not null check (status in ('active', 'deleted')),
    created_at  timestamptz  not null,
    updated_at  timestamptz  not null,
    deleted_at  timestamptz,
    -- head of the workspace's audit hash chain; a row lock on it serialises appends per workspace
    audit_seq   bigint       not null default 0,
    audit_head  varchar(64)  not null default ''
);
create index workspace_created_idx on workspace (created_at desc, id desc);

create table service_account (
    id            uuid primary key,
    workspace_id  uuid          not null references workspace (id),
    name          varchar(200)  not null,
    description   varchar(1000),
    scopes        text[]        not null default '{}',
    status        varchar(16)   not null check (status in ('active', 'disabled', 'deleted')),
    created_by    varchar(64)   not null,
    created_at    timestamptz   not null,
    updated_at    timestamptz   not null,
    deleted_at    timestamptz,
    version       bigint        not null default 0
);
create index service_account_ws_idx on service_account (workspace_id, created_at desc, id desc);

create table scope (
    workspace_id  uuid          not null references workspace (id),
    name          varchar(100)  not null,
    description   varchar(500),
    created_at    timestamptz   not null,
    primary key (workspace_id, name)
);

create table api_key (
    id                  uuid primary key,
    workspace_id        uuid          not null references workspace (id),
    service_account_id  uuid          not null references service_account (id),
    name                varchar(200)  not null,
    kind                varchar(16)   not null check (kind in ('api', 'service', 'ingest')),
    key_prefix          varchar(12)   not null,
    -- HMAC-SHA-256(pepper[pepper_version], key); the plain key is never stored
    key_hash            bytea         not null,
    pepper_version      smallint      not null,
    -- AES-GCM(nonce || ciphertext) of the plain key, ingest keys only
    key_ciphertext      bytea,
    status              varchar(16)   not null check (status in ('active', 'paused', 'revoked')),
    scopes              text[]        not null default '{}',
    expires_at          timestamptz,
    last_used_at        timestamptz,
    rate_limit          integer,
    rate_window_seconds integer,
    allowed_cidrs       text[]        not null default '{}',
    meta                text          not null default '{}',
    rotated_from        uuid,
    replaced_by         uuid,
    created_by          varchar(64)   not null,
    created_at          timestamptz   not null,
    updated_at          timestamptz   not null,
    revoked_at          timestamptz,
    version             bigint        not null default 0
);
create unique index api_key_hash_idx on api_key (key_hash);
create index api_key_ws_idx on api_key (workspace_id, created_at desc, id desc);
create index api_key_account_idx on api_key (service_account_id);

-- Replays of POST .../api-keys with an Idempotency-Key; the stored response is encrypted because it holds the key.
create table idempotency_record (
    workspace_id         uuid          not null references workspace (id),
    idempotency_key      varchar(255)  not null,
    request_fingerprint  varchar(64)   not null,
    response_status      integer       not null,
    response_ciphertext  bytea         not null,
    created_at           timestamptz   not null,
    primary key (workspace_id, idempotency_key)
);
create index idempotency_created_idx on idempotency_record (created_at);

create table key_usage (
    id            bigserial primary key,
    key_id        uuid          not null references api_key (id),
    workspace_id  uuid          not null,
    at            timestamptz   not null,
    outcome       varchar(16)   not null,
    code          varchar(64)   not null,
    method        varchar(16),
    path          varchar(2048),
    source_ip     varchar(64),
    user_agent    varchar(512),
    request_id    varchar(128)
);
create index key_usage_key_idx on key_usage (key_id, at desc, id desc);

-- Append-only: the application never updates or deletes these rows.
create table audit_event (
    id            uuid primary key,
    workspace_id  uuid          not null references workspace (id),
    seq           bigint        not null,
    at            timestamptz   not null,
    actor_type    varchar(32)   not null,
    actor_id      varchar(64),
    actor_key_id  uuid,
    action        varchar(64)   not null,
    target_type   varchar(32)   not null,
    target_id     varchar(255),
    outcome       varchar(16)   not null,
    request_id    varchar(128),
    source_ip     varchar(64),
    user_agent    varchar(512),
    changes       text          not null default '{}',
    prev_hash     varchar(64)   not null,
    hash          varchar(64)   not null,
    unique (workspace_id, seq)
);
create index audit_event_at_idx on audit_event (workspace_id, at);
