package io.keyplane.workspace;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.keyplane.common.KeyplaneException;
import io.keyplane.common.PageRequest;
import io.keyplane.apikey.WorkspaceKeyRules;
import io.keyplane.common.Where;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class WorkspaceRepository implements PanacheRepositoryBase<Workspace, UUID>, WorkspaceKeyRules {

    Uni<List<Workspace>> list(PageRequest page) {
        return Where.all().newestFirst(this, page, "createdAt", "id", PageRequest::afterUuid);
    }

    Uni<Workspace> get(UUID id) {
        return findById(id).onItem().ifNull().failWith(() -> KeyplaneException.notFound("Workspace"));
    }

    /** Row-locked for a change; a deleted workspace is not found. */
    Uni<Workspace> activeForUpdate(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE)
                .onItem().ifNull().failWith(() -> KeyplaneException.notFound("Workspace"))
                .invoke(w -> {
                    if (w.isDeleted()) {
                        throw KeyplaneException.notFound("Workspace");
                    }
                });
    }

    @Override
    public Uni<Integer> maxKeyLifetimeDays(UUID workspaceId) {
        return findById(workspaceId).map(w -> w == null ? null : w.maxKeyLifetimeDays);
    }

    @Override
    public Uni<String> leakAction(UUID workspaceId) {
        return findById(workspaceId).map(w -> w == null ? "revoke" : w.leakAction);
    }
}
