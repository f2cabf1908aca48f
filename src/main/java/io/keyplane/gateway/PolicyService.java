package io.keyplane.gateway;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyplane.audit.AuditLog;
import io.keyplane.audit.Changes;
import io.keyplane.auth.Caller;
import io.keyplane.changes.ChangeFeed;
import io.keyplane.common.JsonBodies.Patch;
import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.Page;
import io.keyplane.common.PageRequest;
import io.keyplane.common.WorkspaceCaps;
import io.keyplane.gateway.PolicyDtos.CreatePolicyRequest;
import io.keyplane.gateway.PolicyDtos.PolicyResponse;
import io.keyplane.gateway.PolicyDtos.Rule;
import io.keyplane.gateway.PolicyDtos.UpdatePolicyRequest;
import io.keyplane.scope.ScopeService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Forward-auth policies of a workspace. Every change is audited and announced in its own transaction, so every
 * replica's {@link PolicyCache} forgets the old policy once it commits.
 */
@ApplicationScoped
public class PolicyService {

    private static final TypeReference<List<Rule>> RULES = new TypeReference<>() {
    };

    private final PolicyRepository policies;
    private final ScopeService scopes;
    private final AuditLog audit;
    private final ChangeFeed changes;
    private final ObjectMapper json;
    private final Clock clock;
    private final int maxPolicies;

    @Inject
    PolicyService(PolicyRepository policies, ScopeService scopes, AuditLog audit, ChangeFeed changes, ObjectMapper json,
            Clock clock, KeyplaneConfig config) {
        this.maxPolicies = config.limit().policies();
        this.policies = policies;
        this.scopes = scopes;
        this.audit = audit;
        this.changes = changes;
        this.json = json;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<PolicyResponse> create(UUID workspaceId, CreatePolicyRequest body, Caller caller) {
        requireEndUserSource(body.keySource());
        var rules = normalised(body.rules());
        return validateScopes(workspaceId, rules)
                .chain(() -> WorkspaceCaps.requireRoom(workspaceId, maxPolicies, "forward-auth policies",
                        "KEYPLANE_LIMIT_POLICIES", () -> policies.count("workspaceId", workspaceId)))
                .chain(() -> insert(workspaceId, body, rules, caller));
    }

    private Uni<PolicyResponse> insert(UUID workspaceId, CreatePolicyRequest body, List<Rule> rules, Caller caller) {
        var now = clock.instant();
        var policy = new ForwardAuthPolicy();
        policy.id = UUID.randomUUID();
        policy.workspaceId = workspaceId;
        policy.name = body.name().trim();
        policy.rules = write(rules);
        policy.keySource = body.keySource() == null ? KeySource.DEFAULT : body.keySource();
        policy.createdBy = caller.actorId();
        policy.createdAt = now;
        policy.updatedAt = now;
        return policies.persist(policy)
                .call(() -> audit.success(workspaceId, "forward_auth_policy.create", "forward_auth_policy", policy.id,
                        Changes.none().created("name", policy.name).created("rules", rules)
                                .created("key_source", policy.keySource)))
                .call(() -> changes.announce(PolicyCache.changeOf(policy.id)))
                .map(this::toResponse);
    }

    @WithSession
    public Uni<Page<PolicyResponse>> list(UUID workspaceId, PageRequest page) {
        return policies.page(workspaceId, page, p -> p.createdAt, p -> p.id, this::toResponse);
    }

    @WithSession
    public Uni<PolicyResponse> get(UUID workspaceId, UUID id) {
        return policies.findInWorkspace(workspaceId, id, LockModeType.NONE).map(this::toResponse);
    }

    @WithTransaction
    public Uni<PolicyResponse> update(UUID workspaceId, UUID id, Patch<UpdatePolicyRequest> patch) {
        var body = patch.value();
        for (var field : List.of("name", "rules", "key_source")) {
            if (patch.has(field) && valueOf(body, field) == null) {
                return Uni.createFrom().failure(KeyplaneException.validation(field, "must not be null"));
            }
        }
        if (body.name() != null && body.name().isBlank()) {
            return Uni.createFrom().failure(KeyplaneException.validation("name", "must not be blank"));
        }
        requireEndUserSource(body.keySource());
        var rules = body.rules() == null ? null : normalised(body.rules());
        Uni<Void> valid = rules == null ? Uni.createFrom().voidItem() : validateScopes(workspaceId, rules);
        return valid.chain(() -> policies.findInWorkspace(workspaceId, id, LockModeType.PESSIMISTIC_WRITE))
                .call(policy -> {
                    var changed = Changes.none();
                    if (body.name() != null) {
                        changed.field("name", policy.name, body.name().trim());
                        policy.name = body.name().trim();
                    }
                    if (rules != null) {
                        changed.field("rules", read(policy.rules), rules);
                        policy.rules = write(rules);
                    }
                    if (body.keySource() != null) {
                        changed.field("key_source", policy.keySource, body.keySource());
                        policy.keySource = body.keySource();
                    }
                    policy.updatedAt = clock.instant();
                    return audit.success(workspaceId, "forward_auth_policy.update", "forward_auth_policy", id, changed)
                            .call(() -> changes.announce(PolicyCache.changeOf(id)));
                })
                .map(this::toResponse);
    }

    @WithTransaction
    public Uni<Void> delete(UUID workspaceId, UUID id) {
        return policies.findInWorkspace(workspaceId, id, LockModeType.PESSIMISTIC_WRITE)
                .call(policy -> audit.success(workspaceId, "forward_auth_policy.delete", "forward_auth_policy", id,
                        Changes.none().field("name", policy.name, null)))
                .call(policies::delete)
                .call(() -> changes.announce(PolicyCache.changeOf(id)))
                .replaceWithVoid();
    }

    /** Forgets the policy on this replica at once; the others hear of it from the announcement. */
    public void evictHere(UUID id) {
        changes.evictHere(PolicyCache.changeOf(id));
    }

    private static Object valueOf(UpdatePolicyRequest body, String field) {
        return switch (field) {
            case "name" -> body.name();
            case "rules" -> body.rules();
            default -> body.keySource();
        };
    }

    /** Headers forward-auth reads for something else: the gateway's key, the original request, the client. */
    private static final Set<String> RESERVED_HEADERS = Set.of(ForwardAuthRoutes.GATEWAY_KEY_HEADER, "Authorization",
            OriginalRequest.NGINX_METHOD, OriginalRequest.NGINX_URI, OriginalRequest.TRAEFIK_METHOD,
            OriginalRequest.TRAEFIK_URI, OriginalRequest.FORWARDED_FOR).stream()
            .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());

    /** An end user's key cannot come from a header forward-auth reads for something else (use authorization). */
    private static void requireEndUserSource(String keySource) {
        if (keySource != null && keySource.startsWith("header:")
                && RESERVED_HEADERS.contains(keySource.substring(7).toLowerCase(Locale.ROOT))) {
            throw KeyplaneException.unprocessable("unprocessable", "key_source",
                    "Forward-auth reads " + keySource.substring(7) + " for something else; for a Bearer token in "
                            + "Authorization, use authorization");
        }
    }

    /** Methods upper case, scopes without repeats: what is stored is what gateways are judged by. */
    private static List<Rule> normalised(List<Rule> rules) {
        var result = new ArrayList<Rule>(rules.size());
        for (var rule : rules) {
            result.add(new Rule(rule.method().toUpperCase(Locale.ROOT), rule.path(),
                    List.copyOf(new LinkedHashSet<>(rule.scopes()))));
        }
        return result;
    }

    /** Each rule's scopes must be grants in the workspace's catalog (422 unknown_scope), as a key's are. */
    private Uni<Void> validateScopes(UUID workspaceId, List<Rule> rules) {
        Uni<Void> checks = Uni.createFrom().voidItem();
        for (int i = 0; i < rules.size(); i++) {
            var rule = rules.get(i);
            var field = "rules[" + i + "].scopes";
            checks = checks.chain(() -> scopes.validateGrants(workspaceId, rule.scopes(), field).replaceWithVoid());
        }
        return checks;
    }

    private PolicyResponse toResponse(ForwardAuthPolicy policy) {
        return new PolicyResponse(policy.id, policy.workspaceId, policy.name, read(policy.rules), policy.keySource,
                policy.createdBy, policy.createdAt, policy.updatedAt);
    }

    private String write(List<Rule> rules) {
        try {
            return json.writeValueAsString(rules);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rules not serialisable", e);
        }
    }

    private List<Rule> read(String rules) {
        try {
            return json.readValue(rules, RULES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored policy's rules are not readable", e);
        }
    }
}
