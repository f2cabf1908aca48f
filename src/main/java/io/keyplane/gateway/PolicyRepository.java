package io.keyplane.gateway;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import io.keyplane.common.WorkspaceOwned;
import io.keyplane.scope.ScopeHolders;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Every management query names the workspace: another workspace's policy is simply not found. A scope a rule
 * requires counts as in use, so it cannot be deleted from under the policy.
 */
@ApplicationScoped
public class PolicyRepository implements WorkspaceOwned<ForwardAuthPolicy>, ScopeHolders {

    /** What the hot path needs of a policy, read straight on the reactive pool like a key's facts. */
    record Stored(UUID workspaceId, String rules, String keySource) {
    }

    private final Pool pool;

    @Inject
    PolicyRepository(Pool pool) {
        this.pool = pool;
    }

    @Override
    public String noun() {
        return "Forward-auth policy";
    }

    /** In SQL: HQL has no JSON functions. Each policy counts once, however many of its rules require the scope. */
    @Override
    public Uni<Long> countGranting(UUID workspaceId, String scope) {
        return getSession().chain(session -> session.createNativeQuery("""
                select count(*) from forward_auth_policy p where p.workspace_id = ?1 and exists (
                    select 1 from jsonb_array_elements(p.rules::jsonb) r, jsonb_array_elements_text(r -> 'scopes') s
                    where s = ?2)""", Long.class)
                .setParameter(1, workspaceId).setParameter(2, scope).getSingleResult());
    }

    /** The policy, or null when there is none with this id. */
    Uni<Stored> findStored(UUID id) {
        return pool.preparedQuery("select workspace_id, rules, key_source from forward_auth_policy where id = $1")
                .execute(Tuple.of(id))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    var row = it.next();
                    return new Stored(row.getUUID("workspace_id"), row.getString("rules"), row.getString("key_source"));
                });
    }
}
