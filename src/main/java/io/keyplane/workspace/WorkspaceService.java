package io.keyplane.workspace;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyplane.apikey.ApiKeyService;
import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.keyplane.changes.ChangeFeed;
import io.keyplane.common.JsonBodies.Patch;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.Page;
import io.keyplane.common.PageRequest;
import io.keyplane.key.KeyFactsCache;
import io.keyplane.serviceaccount.ServiceAccountService;
import io.keyplane.workspace.WorkspaceDtos.Bootstrap;
import io.keyplane.workspace.WorkspaceDtos.CreatedWorkspaceResponse;
import io.keyplane.workspace.WorkspaceDtos.UpdateWorkspaceRequest;
import io.keyplane.workspace.WorkspaceDtos.WorkspaceResponse;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class WorkspaceService {

    private final WorkspaceRepository workspaces;
    private final ServiceAccountService accounts;
    private final ApiKeyService keys;
    private final AuditLog audit;
    private final ChangeFeed keyChanges;
    private final Clock clock;

    @Inject
    WorkspaceService(WorkspaceRepository workspaces, ServiceAccountService accounts, ApiKeyService keys, AuditLog audit,
            ChangeFeed keyChanges, Clock clock) {
        this.keyChanges = keyChanges;
        this.workspaces = workspaces;
        this.accounts = accounts;
        this.keys = keys;
        this.audit = audit;
        this.clock = clock;
    }

    /** A workspace with its owner account and first ServiceKey, all audited in one transaction. */
    @WithTransaction
    public Uni<CreatedWorkspaceResponse> create(String name) {
        var workspace = Workspace.create(name.trim(), clock.instant());
        return workspaces.persistAndFlush(workspace) // flushed: the audit chain head is this row
                .call(w -> audit.success(w.id, "workspace.create", "workspace", w.id,
                        Changes.none().created("name", w.name)))
                .chain(w -> accounts.createOwner(w.id))
                .chain(owner -> keys.createBootstrapKey(workspace.id, owner.id())
                        .map(key -> new CreatedWorkspaceResponse(workspace.id, workspace.name, workspace.status,
                                workspace.maxKeyLifetimeDays, workspace.leakAction, workspace.createdAt,
                                workspace.updatedAt, new Bootstrap(owner, key, key.key()))));
    }

    @WithSession
    public Uni<Page<WorkspaceResponse>> list(PageRequest page) {
        return workspaces.list(page)
                .map(rows -> Page.of(rows, page.limit(), w -> w.createdAt, w -> w.id).map(WorkspaceResponse::from));
    }

    @WithSession
    public Uni<WorkspaceResponse> get(UUID id) {
        return workspaces.get(id).map(WorkspaceResponse::from);
    }

    @WithTransaction
    public Uni<WorkspaceResponse> update(UUID id, Patch<UpdateWorkspaceRequest> patch) {
        var body = patch.value();
        for (var field : List.of("name", "leak_action")) {
            if (patch.has(field) && (field.equals("name") ? body.name() : body.leakAction()) == null) {
                return Uni.createFrom().failure(KeyplaneException.validation(field, "must not be null"));
            }
        }
        return workspaces.activeForUpdate(id).call(w -> {
            var changes = Changes.none();
            if (body.name() != null) {
                changes.field("name", w.name, body.name().trim());
                w.name = body.name().trim();
            }
            if (patch.has("max_key_lifetime_days")) {
                changes.field("max_key_lifetime_days", w.maxKeyLifetimeDays, body.maxKeyLifetimeDays());
                w.maxKeyLifetimeDays = body.maxKeyLifetimeDays();
            }
            if (body.leakAction() != null) {
                changes.field("leak_action", w.leakAction, body.leakAction());
                w.leakAction = body.leakAction();
            }
            if (changes.isEmpty()) {
                return Uni.createFrom().voidItem(); // nothing changed, nothing to audit
            }
            w.updatedAt = clock.instant();
            return audit.success(w.id, "workspace.update", "workspace", w.id, changes);
        }).map(WorkspaceResponse::from);
    }

    /** Soft delete: the row and its audit log stay; every key in it stops authenticating with this commit. */
    @WithTransaction
    public Uni<WorkspaceResponse> delete(UUID id) {
        return workspaces.activeForUpdate(id).call(w -> {
            var now = clock.instant();
            var changes = Changes.none().field("status", w.status, Workspace.DELETED);
            w.status = Workspace.DELETED;
            w.deletedAt = now;
            w.updatedAt = now;
            return audit.success(w.id, "workspace.delete", "workspace", w.id, changes)
                    .call(() -> keyChanges.announce(KeyFactsCache.changeOfWorkspace(w.id)));
        }).map(WorkspaceResponse::from);
    }
}
