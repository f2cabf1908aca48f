-- Webhooks (API.md section 9). The audit log is the outbox: each event is written in the transaction of its
-- change, and a workspace's events become visible in seq order (appends lock the workspace row until commit). A
-- webhook's cursor_seq is how far along its workspace's chain deliveries have been made; the delivery worker moves
-- it on and inserts one webhook_delivery per subscribed event.
create table webhook (
    id             uuid           primary key,
    workspace_id   uuid           not null references workspace (id),
    url            varchar(2048)  not null,
    events         text           not null,
    description    varchar(500),
    status         varchar(16)    not null check (status in ('active', 'disabled')),
    -- the signing secret, sealed with KEYPLANE_ENCRYPTION_KEY (it must be read back to sign)
    secret         bytea          not null,
    cursor_seq     bigint         not null default 0,
    -- the first failed attempt since the last success. The webhook is disabled when it has failed for
    -- KEYPLANE_WEBHOOK_RETRY_WINDOW, or when a delivery first tried since then failed for good
    failing_since  timestamptz,
    -- a replica delivering for this webhook holds it until then, so deliveries to one endpoint go one at a time
    leased_until   timestamptz,
    lease_token    uuid,
    created_by     varchar(64)    not null,
    created_at     timestamptz    not null,
    updated_at     timestamptz    not null,
    version        bigint         not null default 0
);
create index webhook_ws_idx on webhook (workspace_id, created_at desc, id desc);
create index webhook_active_idx on webhook (workspace_id) where status = 'active';

create table webhook_delivery (
    id               uuid          primary key,
    webhook_id       uuid          not null references webhook (id) on delete cascade,
    event_id         uuid          not null references audit_event (id),
    event_seq        bigint        not null,
    type             varchar(64)   not null,
    status           varchar(16)   not null check (status in ('pending', 'succeeded', 'failed')),
    response_code    integer,
    last_error       varchar(200),
    attempts         integer       not null default 0,
    next_attempt_at  timestamptz,
    -- past this, a failed attempt is the last (the retry window from when it was queued, or redelivered)
    retry_until      timestamptz   not null,
    first_attempt_at timestamptz,
    last_attempt_at  timestamptz,
    -- the event's time, so the log lists deliveries in the order their events happened
    created_at       timestamptz   not null,
    unique (webhook_id, event_id)
);
create index webhook_delivery_due_idx on webhook_delivery (webhook_id, next_attempt_at) where status = 'pending';
create index webhook_delivery_list_idx on webhook_delivery (webhook_id, created_at desc, id desc);
-- finished deliveries leave the log KEYPLANE_WEBHOOK_DELIVERY_RETENTION after their last attempt
create index webhook_delivery_purge_idx on webhook_delivery ((coalesce(last_attempt_at, created_at)))
    where status <> 'pending';
