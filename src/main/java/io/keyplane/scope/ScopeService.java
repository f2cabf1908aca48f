package io.keyplane.scope;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.keyplane.common.FieldError;
import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.WorkspaceCaps;
import io.keyplane.key.Permissions;
import io.keyplane.scope.ScopeDtos.ScopeResponse;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ScopeService {

    private final ScopeRepository scopes;
    private final Instance<ScopeHolders> holders;
    private final AuditLog audit;
    private final Clock clock;
    private final int maxScopes;

    @Inject
    ScopeService(ScopeRepository scopes, @Any Instance<ScopeHolders> holders, AuditLog audit, Clock clock,
            KeyplaneConfig config) {
        this.scopes = scopes;
        this.holders = holders;
        this.audit = audit;
        this.clock = clock;
        this.maxScopes = config.limit().scopes();
    }

    @WithSession
    public Uni<List<ScopeResponse>> list(UUID workspaceId) {
        return scopes.listByName(workspaceId)
                .map(custom -> {
                    var all = new ArrayList<ScopeResponse>();
                    Permissions.BUILT_IN.forEach(name -> all.add(ScopeResponse.builtIn(name)));
                    custom.forEach(s -> all.add(ScopeResponse.from(s)));
                    return all;
                });
    }

    @WithTransaction
    public Uni<ScopeResponse> create(UUID workspaceId, String name, String description) {
        if (Permissions.isBuiltIn(name)) {
            return Uni.createFrom().failure(KeyplaneException.conflict("scope_exists", name + " is a built-in scope"));
        }
        var scope = new ScopeDefinition();
        scope.workspaceId = workspaceId;
        scope.name = name;
        scope.description = description;
        scope.createdAt = clock.instant();
        return WorkspaceCaps.requireRoom(workspaceId, maxScopes, "custom scopes", "KEYPLANE_LIMIT_SCOPES",
                () -> scopes.count("workspaceId", workspaceId))
                .chain(() -> scopes.insertIfAbsent(scope))
                .invoke(inserted -> {
                    if (!inserted) {
                        throw KeyplaneException.conflict("scope_exists", "Scope " + name + " already exists");
                    }
                })
                .chain(() -> audit.success(workspaceId, "scope.create", "scope", name,
                        Changes.none().created("name", name).created("description", description)))
                .map(ignored -> ScopeResponse.from(scope));
    }

    /** 409 while any live account or key still grants it: deleting it would silently change their meaning. */
    @WithTransaction
    public Uni<Void> delete(UUID workspaceId, String name) {
        if (Permissions.isBuiltIn(name)) {
            return Uni.createFrom().failure(KeyplaneException.conflict("scope_built_in",
                    name + " is a built-in scope and cannot be deleted"));
        }
        return scopes.findForDelete(workspaceId, name)
                .onItem().ifNull().failWith(() -> KeyplaneException.notFound("Scope"))
                .call(scope -> usage(workspaceId, name).invoke(uses -> {
                    if (uses > 0) {
                        throw KeyplaneException.conflict("scope_in_use",
                                "Scope " + name + " is still granted or required: " + uses + " record(s) use it");
                    }
                }))
                .call(scopes::delete)
                .call(scope -> audit.success(workspaceId, "scope.delete", "scope", name,
                        Changes.none().field("name", name, null)))
                .replaceWithVoid();
    }

    /** One holder after the other: they share the transaction's session, which runs one query at a time. */
    private Uni<Long> usage(UUID workspaceId, String name) {
        Uni<Long> total = Uni.createFrom().item(0L);
        for (var holder : holders) {
            total = total.chain(sum -> holder.countGranting(workspaceId, name).map(n -> sum + n));
        }
        return total;
    }

    /**
     * Checks grants for an account or key: syntax is 400, a name that is neither built-in nor in the
     * workspace's catalog is 422 unknown_scope. Wildcards ({@code resource:*}) need no catalog entry.
     */
    public Uni<List<String>> validateGrants(UUID workspaceId, Collection<String> grants, String field) {
        var bad = new ArrayList<FieldError>();
        int i = 0;
        for (var g : grants) {
            if (!Permissions.isGrant(g)) {
                bad.add(new FieldError(field + "[" + i + "]", "must be resource:action or resource:*"));
            }
            i++;
        }
        if (!bad.isEmpty()) {
            return Uni.createFrom().failure(KeyplaneException.validation(bad));
        }
        var named = grants.stream().filter(g -> !g.endsWith(":*") && !Permissions.isBuiltIn(g)).distinct().toList();
        if (named.isEmpty()) {
            return Uni.createFrom().item(List.copyOf(new java.util.LinkedHashSet<>(grants)));
        }
        return scopes.findForGrant(workspaceId, named)
                .map(found -> {
                    var known = found.stream().map(s -> s.name).toList();
                    var unknown = named.stream().filter(n -> !known.contains(n)).toList();
                    if (!unknown.isEmpty()) {
                        throw KeyplaneException.unprocessable("unknown_scope", field,
                                "Not in this workspace's scope catalog: " + String.join(", ", unknown));
                    }
                    return List.copyOf(new java.util.LinkedHashSet<>(grants));
                });
    }
}
