package io.keyplane.workspace;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import io.keyplane.apikey.ApiKeyResponse;
import io.keyplane.apikey.KeyIssuer;
import io.keyplane.apikey.KeyKind;
import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.keyplane.auth.Caller;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.Page;
import io.keyplane.common.PageRequest;
import io.keyplane.scope.Permissions;
import io.keyplane.serviceaccount.ServiceAccount;
import io.keyplane.serviceaccount.ServiceAccountResponse;
import io.keyplane.workspace.WorkspaceDtos.Bootstrap;
import io.keyplane.workspace.WorkspaceDtos.CreatedWorkspaceResponse;
import io.keyplane.workspace.WorkspaceDtos.WorkspaceResponse;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class WorkspaceService {

    static final String OWNER_ACCOUNT = "owner";
    static final String BOOTSTRAP_KEY = "bootstrap";

    private final KeyIssuer issuer;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    WorkspaceService(KeyIssuer issuer, AuditLog audit, Clock clock) {
        this.issuer = issuer;
        this.audit = audit;
        this.clock = clock;
    }

    /** A workspace with its owner account and first ServiceKey, all audited in one transaction. */
    @WithTransaction
    public Uni<CreatedWorkspaceResponse> create(String name) {
        var now = clock.instant();
        var workspace = Workspace.create(name.trim(), now);
        var owner = ServiceAccount.create(workspace.id, OWNER_ACCOUNT, "Created with the workspace",
                List.of(Permissions.WORKSPACE_ADMIN), Caller.OPERATOR_ID, now);
        var key = issuer.issue(new KeyIssuer.Spec(workspace.id, owner.id, BOOTSTRAP_KEY, KeyKind.SERVICE,
                List.of(Permissions.WORKSPACE_ADMIN), null, null, null, List.of(), "{}", null, Caller.OPERATOR_ID));
        return workspace.persist()
                .chain(() -> owner.persist())
                .chain(() -> key.entity().persist())
                .chain(() -> audit.success(workspace.id, "workspace.create", "workspace", workspace.id,
                        Changes.none().created("name", workspace.name)))
                .chain(() -> audit.success(workspace.id, "service_account.create", "service_account", owner.id,
                        Changes.none().created("name", owner.name).created("scopes", owner.scopeList())))
                .chain(() -> audit.success(workspace.id, "api_key.create", "api_key", key.entity().id,
                        Changes.none().created("name", BOOTSTRAP_KEY).created("kind", "service")))
                .map(ignored -> new CreatedWorkspaceResponse(workspace.id, workspace.name, workspace.status,
                        workspace.createdAt, workspace.updatedAt, new Bootstrap(ServiceAccountResponse.from(owner),
                                ApiKeyResponse.issued(key, now), key.plainKey())));
    }

    @WithSession
    public Uni<Page<WorkspaceResponse>> list(PageRequest page) {
        var query = page.hasCursor()
                ? Workspace.<Workspace>find("createdAt < ?1 or (createdAt = ?1 and id < ?2) order by createdAt desc, id desc",
                        page.afterAt(), page.afterUuid())
                : Workspace.<Workspace>find("order by createdAt desc, id desc");
        return query.range(0, page.limit()).list()
                .map(rows -> Page.of(rows, page.limit(), w -> w.createdAt, w -> w.id).map(WorkspaceResponse::from));
    }

    @WithSession
    public Uni<WorkspaceResponse> get(UUID id) {
        return Workspace.<Workspace>findById(id)
                .onItem().ifNull().failWith(() -> KeyplaneException.notFound("Workspace"))
                .map(WorkspaceResponse::from);
    }

    @WithTransaction
    public Uni<WorkspaceResponse> rename(UUID id, String name) {
        return activeForUpdate(id).call(w -> {
            var changes = Changes.none();
            if (name != null) {
                changes.field("name", w.name, name.trim());
                w.name = name.trim();
                w.updatedAt = clock.instant();
            }
            return audit.success(w.id, "workspace.update", "workspace", w.id, changes);
        }).map(WorkspaceResponse::from);
    }

    /** Soft delete: the row and its audit log stay; every key in it stops authenticating with this commit. */
    @WithTransaction
    public Uni<WorkspaceResponse> delete(UUID id) {
        return activeForUpdate(id).call(w -> {
            var now = clock.instant();
            var changes = Changes.none().field("status", w.status, Workspace.DELETED);
            w.status = Workspace.DELETED;
            w.deletedAt = now;
            w.updatedAt = now;
            return audit.success(w.id, "workspace.delete", "workspace", w.id, changes);
        }).map(WorkspaceResponse::from);
    }

    private Uni<Workspace> activeForUpdate(UUID id) {
        return Workspace.<Workspace>findById(id, LockModeType.PESSIMISTIC_WRITE)
                .onItem().ifNull().failWith(() -> KeyplaneException.notFound("Workspace"))
                .invoke(w -> {
                    if (w.isDeleted()) {
                        throw KeyplaneException.notFound("Workspace");
                    }
                });
    }
}
