package io.keyplane.common;

import java.util.UUID;
import java.util.function.Supplier;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Per-workspace caps (API.md 10.1): no tenant creates webhooks, policies or scopes without bound. The check runs in
 * the creating transaction after locking the workspace's row, which every audited change takes anyway: two
 * concurrent creations cannot both see room for one more.
 */
public final class WorkspaceCaps {

    private WorkspaceCaps() {
    }

    /** 422 limit_exceeded when the workspace already holds {@code limit} of {@code what} ({@code count}). */
    public static Uni<Void> requireRoom(UUID workspaceId, int limit, String what, String setting,
            Supplier<Uni<Long>> count) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery("select cast(id as text) from workspace where id = ?1 for update",
                        String.class).setParameter(1, workspaceId).getSingleResultOrNull())
                .chain(locked -> count.get())
                .invoke(held -> {
                    if (held >= limit) {
                        throw KeyplaneException.limitExceeded(what, limit, setting);
                    }
                })
                .replaceWithVoid();
    }
}
