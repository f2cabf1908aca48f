package io.keyplane.usage;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyplane.common.Page;
import io.keyplane.common.PageRequest;
import io.keyplane.usage.UsageDtos.KeyUsageResponse;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** A key's recent uses, newest first (API.md 4.6); {@link UsageRecorder} writes them. */
@ApplicationScoped
public class UsageHistory {

    private final KeyUsageRepository uses;

    @Inject
    UsageHistory(KeyUsageRepository uses) {
        this.uses = uses;
    }

    /** Whoever calls this has checked the key is the workspace's. */
    @WithSession
    public Uni<Page<KeyUsageResponse>> ofKey(UUID keyId, PageRequest page) {
        return uses.page(keyId, page)
                .map(rows -> Page.of(rows, page.limit(), u -> u.at, u -> u.id).map(KeyUsageResponse::from));
    }
}
