package io.keyplane.common;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/**
 * A repository of objects that belong to a workspace (accounts, policies, webhooks, keys): every query names the
 * workspace, so another workspace's id is simply not found (404, never a hint that it exists), and lists are newest
 * first, paged by (created at, id) as API.md 4.3 says.
 */
public interface WorkspaceOwned<E> extends PanacheRepositoryBase<E, UUID> {

    /** What a 404 calls the object ("Webhook not found"). */
    String noun();

    /** An HQL condition every row read must meet beside the workspace (deleted accounts are gone); null for none. */
    default String alive() {
        return null;
    }

    default Uni<E> findInWorkspace(UUID workspaceId, UUID id, LockModeType lock) {
        var alive = alive() == null ? "" : " and " + alive();
        return find("id = ?1 and workspaceId = ?2" + alive, id, workspaceId).withLock(lock).firstResult()
                .onItem().ifNull().failWith(() -> KeyplaneException.notFound(noun()));
    }

    /** One page, newest first; {@code createdAt} and {@code id} read the row's position for the next cursor. */
    default <R> Uni<Page<R>> page(UUID workspaceId, PageRequest page, Function<E, Instant> createdAt,
            Function<E, Object> id, Function<E, R> toResponse) {
        var where = Where.of("workspaceId = :ws", "ws", workspaceId);
        if (alive() != null) {
            where.and(alive());
        }
        Uni<List<E>> rows = where.newestFirst(this, page, "createdAt", "id", PageRequest::afterUuid);
        return rows.map(found -> Page.of(found, page.limit(), createdAt, id).map(toResponse));
    }
}
