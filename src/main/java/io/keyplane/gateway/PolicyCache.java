package io.keyplane.gateway;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.keyplane.common.DatabaseOutage;
import io.keyplane.common.KeyplaneConfig;
import io.keyplane.credential.KeyChanges;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.smallrye.mutiny.Uni;

/**
 * Compiled policies by id, kept true the way key facts are: every change announces itself through
 * {@link KeyChanges} (topic {@value #TOPIC}), every replica evicts, and while this replica does not listen it reads
 * through. Unknown ids are remembered for the negative TTL, so a gateway set up with a wrong id costs no query per
 * request. When the database cannot be reached, a cached policy (at most the cache TTL old) still answers.
 */
@Singleton
class PolicyCache implements KeyChanges.Follower {

    static final String TOPIC = "forward_auth_policy";
    private static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(2);
    /** With a cached policy to fall back on (while not listening), a slow database is given less, as keys are. */
    private static final Duration DATABASE_TIMEOUT_WITH_CACHED = Duration.ofMillis(500);
    private static final TypeReference<List<PolicyDtos.Rule>> RULES = new TypeReference<>() {
    };

    private final PolicyRepository repository;
    private final KeyChanges changes;
    private final ObjectMapper json;
    private final Cache<UUID, CompiledPolicy> known;
    private final Cache<UUID, Boolean> unknown;
    private final AtomicLong generation = new AtomicLong();

    @Inject
    PolicyCache(PolicyRepository repository, KeyChanges changes, ObjectMapper json, KeyplaneConfig config,
            MeterRegistry registry) {
        this.repository = repository;
        this.changes = changes;
        this.json = json;
        // the same cache shape as the key cache's, whose classes are registered for the native image
        this.known = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(config.cache().ttl()).recordStats()
                .build();
        this.unknown = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(config.cache().negativeTtl())
                .recordStats().build();
        CaffeineCacheMetrics.monitor(registry, known, "keyplane.forward_auth.policies");
        CaffeineCacheMetrics.monitor(registry, unknown, "keyplane.forward_auth.policies.unknown");
        changes.follow(TOPIC, this);
    }

    /** The policy, or null when there is none with this id. */
    Uni<CompiledPolicy> policy(UUID id) {
        var cached = known.getIfPresent(id);
        if (changes.listening() && (cached != null || unknown.getIfPresent(id) != null)) {
            return Uni.createFrom().item(cached);
        }
        long started = generation.get();
        return repository.findStored(id).ifNoItem().after(cached != null ? DATABASE_TIMEOUT_WITH_CACHED : DATABASE_TIMEOUT).fail()
                .map(stored -> stored == null ? null : compile(stored))
                .invoke(policy -> remember(id, policy, started))
                .onFailure(DatabaseOutage::is).recoverWithUni(failure -> cached != null ? Uni.createFrom().item(cached)
                        : Uni.createFrom().failure(DatabaseOutage.answer(failure)));
    }

    private void remember(UUID id, CompiledPolicy policy, long started) {
        if (policy == null) {
            unknown.put(id, Boolean.TRUE);
        } else {
            known.put(id, policy);
        }
        // put first, then look: an eviction that ran meanwhile either removed the entry or is seen here
        if (generation.get() != started) {
            known.invalidate(id);
            unknown.invalidate(id);
        }
    }

    private CompiledPolicy compile(PolicyRepository.Stored stored) {
        try {
            return CompiledPolicy.of(stored.workspaceId(), json.readValue(stored.rules(), RULES), stored.keySource());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored policy's rules are not readable", e);
        }
    }

    @Override
    public void changed(UUID id) {
        generation.incrementAndGet();
        known.invalidate(id);
        unknown.invalidate(id);
    }

    @Override
    public void anythingMayHaveChanged() {
        generation.incrementAndGet();
        known.invalidateAll();
        unknown.invalidateAll();
    }
}
