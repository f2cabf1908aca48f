-- Usage analytics that last (API.md section 9): uses counted per key, hour and outcome code, and per workspace,
-- hour and code, written with each batched usage flush and kept KEYPLANE_USAGE_ROLLUP_RETENTION. The raw history
-- (key_usage) keeps its bounded size per key, for drill-down.
create table key_usage_hourly (
    key_id        uuid         not null,
    workspace_id  uuid         not null,
    hour          timestamptz  not null,
    code          varchar(64)  not null,
    count         bigint       not null,
    primary key (key_id, hour, code)
);
create index key_usage_hourly_ws_idx on key_usage_hourly (workspace_id, hour);
-- the hourly purge of what is past the retention
create index key_usage_hourly_hour_idx on key_usage_hourly (hour);

create table workspace_usage_hourly (
    workspace_id  uuid         not null,
    hour          timestamptz  not null,
    code          varchar(64)  not null,
    count         bigint       not null,
    primary key (workspace_id, hour, code)
);
create index workspace_usage_hourly_hour_idx on workspace_usage_hourly (hour);
