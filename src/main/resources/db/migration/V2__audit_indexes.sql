-- Audit log filters that a client pages through newest first: an object's history (target_id) and what one
-- actor did (actor_id). The unfiltered list and the chain walks use unique (workspace_id, seq).
create index audit_event_target_idx on audit_event (workspace_id, target_id, seq);
create index audit_event_actor_idx on audit_event (workspace_id, actor_id, seq);
