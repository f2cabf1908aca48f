package io.keyplane.serviceaccount;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import io.keyplane.apikey.ApiKey;
import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.keyplane.auth.Access;
import io.keyplane.auth.Caller;
import io.keyplane.common.JsonBodies.Patch;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.Page;
import io.keyplane.common.PageRequest;
import io.keyplane.scope.ScopeService;
import io.keyplane.serviceaccount.ServiceAccountDtos.CreateServiceAccountRequest;
import io.keyplane.serviceaccount.ServiceAccountDtos.UpdateServiceAccountRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ServiceAccountService {

    private final ScopeService scopes;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    ServiceAccountService(ScopeService scopes, Access access, AuditLog audit, Clock clock) {
        this.scopes = scopes;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<ServiceAccount> create(UUID workspaceId, CreateServiceAccountRequest body, Caller caller) {
        var requested = body.scopes() == null ? List.<String>of() : body.scopes();
        return scopes.validateGrants(workspaceId, requested, "scopes")
                .invoke(grants -> access.requireGrantable(caller, grants))
                .map(grants -> ServiceAccount.create(workspaceId, body.name().trim(), body.description(), grants,
                        caller.actorId(), clock.instant()))
                .call(sa -> sa.persist())
                .call(sa -> audit.success(workspaceId, "service_account.create", "service_account", sa.id,
                        Changes.none().created("name", sa.name).created("scopes", sa.scopeList())));
    }

    @WithSession
    public Uni<Page<ServiceAccount>> list(UUID workspaceId, PageRequest page) {
        var query = page.hasCursor()
                ? ServiceAccount.<ServiceAccount>find("workspaceId = ?1 and status <> 'deleted' and (createdAt < ?2 "
                        + "or (createdAt = ?2 and id < ?3)) order by createdAt desc, id desc", workspaceId,
                        page.afterAt(), page.afterUuid())
                : ServiceAccount.<ServiceAccount>find("workspaceId = ?1 and status <> 'deleted' "
                        + "order by createdAt desc, id desc", workspaceId);
        return query.range(0, page.limit()).list().map(rows -> Page.of(rows, page.limit(), sa -> sa.createdAt, sa -> sa.id));
    }

    @WithSession
    public Uni<ServiceAccount> get(UUID workspaceId, UUID id) {
        return find(workspaceId, id, LockModeType.NONE);
    }

    /** Scope and status changes take effect on the account's keys at their next use: effective = key ∩ account. */
    @WithTransaction
    public Uni<ServiceAccount> update(UUID workspaceId, UUID id, Patch<UpdateServiceAccountRequest> patch, Caller caller) {
        var body = patch.value();
        for (var field : List.of("name", "scopes")) {
            if (patch.has(field) && (field.equals("name") ? body.name() : body.scopes()) == null) {
                return Uni.createFrom().failure(KeyplaneException.validation(field, "must not be null"));
            }
        }
        Uni<List<String>> grants = patch.has("scopes")
                ? scopes.validateGrants(workspaceId, body.scopes(), "scopes")
                        .invoke(g -> access.requireGrantable(caller, g))
                : Uni.createFrom().nullItem();
        return grants.chain(newScopes -> find(workspaceId, id, LockModeType.PESSIMISTIC_WRITE)
                .invoke(sa -> access.requireGrantable(caller, sa.scopeList())).call(sa -> {
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
            return audit.success(workspaceId, "service_account.update", "service_account", sa.id, changes);
        }));
    }

    /** Soft delete; every key of the account is revoked in the same transaction, each with its own audit event. */
    @WithTransaction
    public Uni<ServiceAccount> delete(UUID workspaceId, UUID id, Caller caller) {
        var now = clock.instant();
        return find(workspaceId, id, LockModeType.PESSIMISTIC_WRITE)
                .invoke(sa -> access.requireGrantable(caller, sa.scopeList()))
                .call(sa -> ApiKey.<ApiKey>find("serviceAccountId = ?1 and status <> 'revoked'", sa.id)
                        .withLock(LockModeType.PESSIMISTIC_WRITE).list()
                        .chain(keys -> Multi.createFrom().iterable(keys).onItem().transformToUniAndConcatenate(k -> {
                            var changes = Changes.none().field("status", k.status, ApiKey.REVOKED);
                            k.revoke(now);
                            return audit.success(workspaceId, "api_key.revoke", "api_key", k.id, changes);
                        }).collect().asList()))
                .call(sa -> {
                    var changes = Changes.none().field("status", sa.status, ServiceAccount.DELETED);
                    sa.status = ServiceAccount.DELETED;
                    sa.deletedAt = now;
                    sa.updatedAt = now;
                    return audit.success(workspaceId, "service_account.delete", "service_account", sa.id, changes);
                });
    }

    /** Workspace-scoped in the query itself: another workspace's id is simply not found. */
    public static Uni<ServiceAccount> find(UUID workspaceId, UUID id, LockModeType lock) {
        return ServiceAccount.<ServiceAccount>find("id = ?1 and workspaceId = ?2 and status <> 'deleted'", id, workspaceId)
                .withLock(lock).firstResult()
                .onItem().ifNull().failWith(() -> KeyplaneException.notFound("Service account"));
    }
}
