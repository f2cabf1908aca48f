package io.keyplane.serviceaccount;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.keyplane.common.WorkspaceOwned;
import io.keyplane.scope.ScopeHolders;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Every query names the workspace: another workspace's id is simply not found. Deleted accounts are gone. */
@ApplicationScoped
public class ServiceAccountRepository implements WorkspaceOwned<ServiceAccount>, ScopeHolders {

    @Override
    public String noun() {
        return "Service account";
    }

    @Override
    public String alive() {
        return "status <> 'deleted'";
    }

    /** In SQL: {@code = any(text[])} has no HQL form. */
    @Override
    public Uni<Long> countGranting(UUID workspaceId, String scope) {
        return getSession().chain(session -> session.createNativeQuery(
                "select count(*) from service_account where workspace_id = ?1 and status <> 'deleted' and ?2 = any(scopes)", Long.class)
                .setParameter(1, workspaceId).setParameter(2, scope).getSingleResult());
    }
}
