package io.keyplane.apikey;

import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * What a workspace decides about its keys, read where keys are made and stopped. The workspace feature sits above
 * this one and implements it; apikey never reads its table.
 */
public interface WorkspaceKeyRules {

    /** How long a key may live, in days; null: no bound. */
    Uni<Integer> maxKeyLifetimeDays(UUID workspaceId);

    /** What a leak report does to a key that still works: {@code revoke} or {@code pause}. */
    Uni<String> leakAction(UUID workspaceId);
}
