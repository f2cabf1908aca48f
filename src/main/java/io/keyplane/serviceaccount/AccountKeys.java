package io.keyplane.serviceaccount;

import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * The keys of an account, as the feature that owns them manages them: deleting an account revokes them in the
 * same transaction, each with its own audit event. Implemented by the API key feature, which sits above this one.
 */
public interface AccountKeys {

    Uni<Void> revokeAll(UUID workspaceId, UUID serviceAccountId);
}
