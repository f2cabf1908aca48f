-- The audit chain is keyed (HMAC with KEYPLANE_AUDIT_KEY, whose version each event stores; 0 marks the plain
-- SHA-256 of events written before this) and append-only in the database itself, whoever connects.
alter table audit_event add column key_version smallint not null default 0;
alter table audit_event alter column key_version drop default;

create function audit_event_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'audit_event is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger audit_event_append_only before update or delete on audit_event
    for each row execute function audit_event_refuse_change();
create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_event_refuse_change();

-- Where GET .../audit-log/verify got to last time: later runs walk only the events after it. mac is an HMAC of
-- (workspace, seq, hash) with the audit key of key_version, so the checkpoint cannot be moved without the key.
create table audit_checkpoint (
    workspace_id  uuid         primary key references workspace (id),
    seq           bigint       not null,
    hash          varchar(64)  not null,
    key_version   smallint     not null,
    mac           varchar(64)  not null,
    verified_at   timestamptz  not null
);
