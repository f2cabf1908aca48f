-- Runs after every migration (a Flyway callback): what the runtime login (KEYPLANE_DB_USER) may do when the
-- migrations run as another, stronger login (KEYPLANE_DB_MIGRATION_USER). It reads and writes the application's
-- tables, but may only read and append the audit log: no UPDATE, DELETE or TRUNCATE of audit_event, and nothing
-- on Flyway's own history. With one login for both (the default), this does nothing.
do $$
declare
    runtime text := '${runtime_user}';
begin
    if runtime <> current_user then
        execute format('grant connect on database %I to %I', current_database(), runtime);
        execute format('grant usage on schema %I to %I', current_schema(), runtime);
        execute format('grant select, insert, update, delete on all tables in schema %I to %I', current_schema(), runtime);
        execute format('grant usage, select on all sequences in schema %I to %I', current_schema(), runtime);
        execute format('revoke all on audit_event from %I', runtime);
        execute format('grant select, insert on audit_event to %I', runtime);
        execute format('revoke all on flyway_schema_history from %I', runtime);
    end if;
end $$;
