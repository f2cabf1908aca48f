package io.keyplane.scope;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ScopeRepository implements PanacheRepositoryBase<ScopeDefinition, ScopeDefinition.Key> {

    Uni<List<ScopeDefinition>> listByName(UUID workspaceId) {
        return find("workspaceId = ?1 order by name", workspaceId).list();
    }

    /** Insert-if-absent in SQL: concurrent creators of one name get one true and one false, never an error. */
    Uni<Boolean> insertIfAbsent(ScopeDefinition scope) {
        return getSession().chain(s -> s.createNativeQuery("""
                insert into scope (workspace_id, name, description, created_at) values (?1, ?2, ?3, ?4)
                on conflict do nothing""")
                .setParameter(1, scope.workspaceId).setParameter(2, scope.name).setParameter(3, scope.description)
                .setParameter(4, scope.createdAt).executeUpdate())
                .map(inserted -> inserted == 1);
    }

    Uni<ScopeDefinition> findForDelete(UUID workspaceId, String name) {
        return find("workspaceId = ?1 and name = ?2", workspaceId, name).withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    /** Share-locked: a concurrent delete of one of these scopes waits for the grant, then sees it in use. */
    Uni<List<ScopeDefinition>> findForGrant(UUID workspaceId, Collection<String> names) {
        return find("workspaceId = ?1 and name in ?2", workspaceId, names).withLock(LockModeType.PESSIMISTIC_READ).list();
    }
}
