-- Forward-auth policies (API.md section 9): which keys a gateway lets through to which routes of an API. rules is
-- the ordered JSON list [{method, path, scopes}] as the API took it (the first match wins); key_source says where the
-- end user's key is: 'authorization' (Bearer), 'header:<name>' or 'query:<name>'.
create table forward_auth_policy (
    id            uuid          primary key,
    workspace_id  uuid          not null references workspace (id),
    name          varchar(200)  not null,
    rules         text          not null,
    key_source    varchar(140)  not null,
    created_by    varchar(64)   not null,
    created_at    timestamptz   not null,
    updated_at    timestamptz   not null,
    version       bigint        not null default 0
);
create index forward_auth_policy_ws_idx on forward_auth_policy (workspace_id, created_at desc, id desc);
