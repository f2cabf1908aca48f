package io.keyplane.apikey;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.keyplane.serviceaccount.AccountKeys;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Revokes a deleted account's keys inside the account's transaction, one audit event each. */
@ApplicationScoped
public class AccountKeyRevocation implements AccountKeys {

    private final ApiKeyRepository keys;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    AccountKeyRevocation(ApiKeyRepository keys, AuditLog audit, Clock clock) {
        this.keys = keys;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public Uni<Void> revokeAll(UUID workspaceId, UUID serviceAccountId) {
        var now = clock.instant();
        return keys.liveOfAccount(serviceAccountId)
                .chain(live -> Multi.createFrom().iterable(live).onItem().transformToUniAndConcatenate(k -> {
                    var changes = Changes.none().field("status", k.status, ApiKey.REVOKED);
                    k.revoke(now);
                    return audit.success(workspaceId, "api_key.revoke", "api_key", k.id, changes);
                }).collect().last())
                .replaceWithVoid();
    }
}
