package io.keyplane.serviceaccount;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.keyplane.auth.Caller;
import io.keyplane.changes.ChangeFeed;
import io.keyplane.common.JsonBodies.Patch;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.Page;
import io.keyplane.common.PageRequest;
import io.keyplane.key.KeyFactsCache;
import io.keyplane.key.Permissions;
import io.keyplane.scope.ScopeService;
import io.keyplane.serviceaccount.ServiceAccountDtos.CreateServiceAccountRequest;
import io.keyplane.serviceaccount.ServiceAccountDtos.ServiceAccountResponse;
import io.keyplane.serviceaccount.ServiceAccountDtos.UpdateServiceAccountRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ServiceAccountService {

    static final String OWNER_ACCOUNT = "owner";

    private final ServiceAccountRepository accounts;
    private final AccountKeys keys;
    private final ScopeService scopes;
    private final AuditLog audit;
    private final ChangeFeed keyChanges;
    private final Clock clock;

    @Inject
    ServiceAccountService(ServiceAccountRepository accounts, AccountKeys keys, ScopeService scopes, AuditLog audit,
            ChangeFeed keyChanges, Clock clock) {
        this.keyChanges = keyChanges;
        this.accounts = accounts;
        this.keys = keys;
        this.scopes = scopes;
        this.audit = audit;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<ServiceAccountResponse> create(UUID workspaceId, CreateServiceAccountRequest body, Caller caller) {
        var requested = body.scopes() == null ? List.<String>of() : body.scopes();
        return scopes.validateGrants(workspaceId, requested, "scopes")
                .invoke(caller::requireMayGrant)
                .chain(grants -> persist(ServiceAccount.create(workspaceId, body.name().trim(), body.description(),
                        grants, caller.actorId(), clock.instant())));
    }

    /** The owner account of a new workspace, with {@code workspace:admin}, in the workspace's own transaction. */
    @WithTransaction
    public Uni<ServiceAccountResponse> createOwner(UUID workspaceId) {
        return persist(ServiceAccount.create(workspaceId, OWNER_ACCOUNT, "Created with the workspace",
                List.of(Permissions.WORKSPACE_ADMIN), Caller.OPERATOR_ID, clock.instant()));
    }

    private Uni<ServiceAccountResponse> persist(ServiceAccount sa) {
        return accounts.persist(sa)
                .call(() -> audit.success(sa.workspaceId, "service_account.create", "service_account", sa.id,
                        Changes.none().created("name", sa.name).created("scopes", sa.scopeList())))
                .map(ServiceAccountResponse::from);
    }

    @WithSession
    public Uni<Page<ServiceAccountResponse>> list(UUID workspaceId, PageRequest page) {
        return accounts.page(workspaceId, page, sa -> sa.createdAt, sa -> sa.id, ServiceAccountResponse::from);
    }

    /** 404 for an id that is not a live account of this workspace. */
    @WithSession
    public Uni<ServiceAccountResponse> get(UUID workspaceId, UUID id) {
        return accounts.findInWorkspace(workspaceId, id, LockModeType.NONE).map(ServiceAccountResponse::from);
    }

    /** Scope and status changes take effect on the account's keys at their next use: effective = key ∩ account. */
    @WithTransaction
    public Uni<ServiceAccountResponse> update(UUID workspaceId, UUID id, Patch<UpdateServiceAccountRequest> patch,
            Caller caller) {
        var body = patch.value();
        for (var field : List.of("name", "scopes")) {
            if (patch.has(field) && (field.equals("name") ? body.name() : body.scopes()) == null) {
                return Uni.createFrom().failure(KeyplaneException.validation(field, "must not be null"));
            }
        }
        Uni<List<String>> grants = patch.has("scopes")
                ? scopes.validateGrants(workspaceId, body.scopes(), "scopes").invoke(caller::requireMayGrant)
                : Uni.createFrom().nullItem();
        return grants.chain(newScopes -> accounts.findInWorkspace(workspaceId, id, LockModeType.PESSIMISTIC_WRITE)
                .invoke(sa -> caller.requireMayGrant(sa.scopeList()))
                .call(sa -> apply(sa, patch, newScopes))
                .call(sa -> keyChanges.announce(KeyFactsCache.changeOfAccount(sa.id))))
                .map(ServiceAccountResponse::from);
    }

    private Uni<?> apply(ServiceAccount sa, Patch<UpdateServiceAccountRequest> patch, List<String> newScopes) {
        var body = patch.value();
        var changes = Changes.none();
        if (body.name() != null) {
            changes.field("name", sa.name, body.name().trim());
            sa.name = body.name().trim();
        }
        if (patch.has("description")) {
            changes.field("description", sa.description, body.description());
            sa.description = body.description();
        }
        if (newScopes != null) {
            changes.field("scopes", sa.scopeList(), newScopes);
            sa.scopes = newScopes.toArray(String[]::new);
        }
        if (body.status() != null) {
            changes.field("status", sa.status, body.status());
            sa.status = body.status();
        }
        sa.updatedAt = clock.instant();
        return audit.success(sa.workspaceId, "service_account.update", "service_account", sa.id, changes);
    }

    /** Soft delete; every key of the account is revoked in the same transaction, each with its own audit event. */
    @WithTransaction
    public Uni<ServiceAccountResponse> delete(UUID workspaceId, UUID id, Caller caller) {
        var now = clock.instant();
        return accounts.findInWorkspace(workspaceId, id, LockModeType.PESSIMISTIC_WRITE)
                .invoke(sa -> caller.requireMayGrant(sa.scopeList()))
                .call(sa -> keys.revokeAll(workspaceId, sa.id))
                .call(sa -> {
                    var changes = Changes.none().field("status", sa.status, ServiceAccount.DELETED);
                    sa.status = ServiceAccount.DELETED;
                    sa.deletedAt = now;
                    sa.updatedAt = now;
                    return audit.success(workspaceId, "service_account.delete", "service_account", sa.id, changes);
                })
                .call(sa -> keyChanges.announce(KeyFactsCache.changeOfAccount(sa.id)))
                .map(ServiceAccountResponse::from);
    }
}
