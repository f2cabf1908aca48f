package io.keyplane.apikey;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Idempotency records, in SQL: the claim must be an insert-if-absent ({@code on conflict do nothing}), so a
 * concurrent retry waits for the first request's commit instead of failing, and that has no HQL form.
 */
@ApplicationScoped
class IdempotencyRepository {

    /** The request's fingerprint and sealed result, as the first request with this key stored them. */
    record Stored(String fingerprint, byte[] sealedResult) {
    }

    /** Forgets this caller's record of the key once it is older than 24 hours, so the key may be used afresh. */
    Uni<Integer> deleteExpired(UUID workspaceId, String caller, String idempotencyKey) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                delete from idempotency_record where workspace_id = ?1 and caller = ?2 and idempotency_key = ?3
                  and created_at < now() - interval '24 hours'""")
                .setParameter(1, workspaceId).setParameter(2, caller).setParameter(3, idempotencyKey).executeUpdate());
    }

    /** Every record older than 24 hours, in every workspace: the sealed replays they hold are no longer needed. */
    Uni<Integer> deleteAllExpired() {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "delete from idempotency_record where created_at < now() - interval '24 hours'").executeUpdate());
    }

    /** True when this request is the caller's first with the key and now owns it. */
    Uni<Boolean> claim(UUID workspaceId, String caller, String idempotencyKey, String fingerprint) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                insert into idempotency_record (workspace_id, caller, idempotency_key, request_fingerprint,
                                                response_status, response_ciphertext, created_at)
                values (?1, ?2, ?3, ?4, 0, ?5, now()) on conflict do nothing""")
                .setParameter(1, workspaceId).setParameter(2, caller).setParameter(3, idempotencyKey)
                .setParameter(4, fingerprint).setParameter(5, new byte[0]).executeUpdate())
                .map(inserted -> inserted == 1);
    }

    Uni<Stored> find(UUID workspaceId, String caller, String idempotencyKey) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                select request_fingerprint, response_ciphertext from idempotency_record
                where workspace_id = ?1 and caller = ?2 and idempotency_key = ?3""", Object[].class)
                .setParameter(1, workspaceId).setParameter(2, caller).setParameter(3, idempotencyKey).getSingleResult())
                .map(row -> new Stored((String) row[0], (byte[]) row[1]));
    }

    Uni<Void> complete(UUID workspaceId, String caller, String idempotencyKey, byte[] sealedResult) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                update idempotency_record set response_status = 201, response_ciphertext = ?4
                where workspace_id = ?1 and caller = ?2 and idempotency_key = ?3""")
                .setParameter(1, workspaceId).setParameter(2, caller).setParameter(3, idempotencyKey)
                .setParameter(4, sealedResult).executeUpdate())
                .replaceWithVoid();
    }
}
