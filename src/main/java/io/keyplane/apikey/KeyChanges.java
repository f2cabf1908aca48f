package io.keyplane.apikey;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * Called after a change that affects verification has committed, before its HTTP response is sent.
 * The verification cache (issue 5) hooks in here; until then there is nothing to invalidate.
 */
@ApplicationScoped
public class KeyChanges {

    public Uni<Void> changed(ApiKey key) {
        return changed(key.id);
    }

    public Uni<Void> changed(UUID keyId) {
        return Uni.createFrom().voidItem();
    }
}
