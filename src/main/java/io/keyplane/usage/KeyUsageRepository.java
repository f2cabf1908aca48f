package io.keyplane.usage;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyplane.common.PageRequest;
import io.keyplane.common.Where;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Reads of the usage history; {@link UsageRecorder} writes it in batches. */
@ApplicationScoped
public class KeyUsageRepository implements PanacheRepositoryBase<KeyUsage, Long> {

    Uni<List<KeyUsage>> page(UUID keyId, PageRequest page) {
        return Where.of("keyId = :key", "key", keyId).newestFirst(this, page, "at", "id", PageRequest::afterLong);
    }
}
