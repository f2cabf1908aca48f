package io.keyplane.gateway;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyplane.changes.ChangeFeed.Change;
import io.keyplane.changes.ChangeFeed;
import io.keyplane.changes.FollowedCache;
import io.keyplane.common.KeyplaneConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Compiled policies by id, a {@link FollowedCache} as key facts are: every change announces itself on the change
 * feed (topic {@value #TOPIC}) and every replica evicts. Unknown ids are remembered for the negative TTL, so a gateway
 * set up with a wrong id costs no query per request.
 */
@Singleton
class PolicyCache {

    static final String TOPIC = "forward_auth_policy";
    private static final int MAX_POLICIES = 10_000;
    private static final TypeReference<List<PolicyDtos.Rule>> RULES = new TypeReference<>() {
    };

    private final PolicyRepository repository;
    private final ObjectMapper json;
    private final FollowedCache<UUID, CompiledPolicy> cache;

    @Inject
    PolicyCache(PolicyRepository repository, ChangeFeed feed, ObjectMapper json, KeyplaneConfig config,
            MeterRegistry registry) {
        this.repository = repository;
        this.json = json;
        this.cache = new FollowedCache<>(feed, "keyplane.forward_auth.policies", registry, MAX_POLICIES,
                config.cache().ttl(), MAX_POLICIES, config.cache().negativeTtl());
        feed.follow(TOPIC, new ChangeFeed.Follower() {
            @Override
            public void changed(String id) {
                cache.evict(UUID.fromString(id));
            }

            @Override
            public void anythingMayHaveChanged() {
                cache.evictAll();
            }
        });
    }

    /** A change to the policy {@code id}, for {@link ChangeFeed#announce} and {@link ChangeFeed#evictHere}. */
    static Change changeOf(UUID id) {
        return Change.of(TOPIC, id);
    }

    /** The policy, or null when there is none with this id. */
    Uni<CompiledPolicy> policy(UUID id) {
        var peek = cache.peek(id, () -> read(id));
        return peek.answered() ? Uni.createFrom().item(peek.value()) : cache.read(id, () -> read(id), peek.value());
    }

    private Uni<CompiledPolicy> read(UUID id) {
        return repository.findStored(id).map(stored -> stored == null ? null : compile(stored));
    }

    private CompiledPolicy compile(PolicyRepository.Stored stored) {
        try {
            return CompiledPolicy.of(stored.workspaceId(), json.readValue(stored.rules(), RULES), stored.keySource());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored policy's rules are not readable", e);
        }
    }
}
