package io.keyplane.audit;

import java.time.Clock;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.keyplane.auth.Caller;
import io.keyplane.auth.ClientAddresses;
import io.keyplane.auth.RequestCredentials;
import io.keyplane.key.KeyFacts;
import io.keyplane.usage.Origin;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;

/**
 * Appends events to a workspace's hash chain inside the caller's transaction, so a change and its event
 * commit together or not at all. The workspace row lock serialises appends: seq has no gaps. {@link AuditHasher}
 * links each event to the previous one with a keyed hash. The actor and the
 * request's origin come from the current request: the key in its Authorization (accepted or refused), else the
 * operator.
 */
@Singleton
public class AuditLog {

    // our own mapper: the hash must not change when the HTTP JSON settings do
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private static final Origin NO_ORIGIN = new Origin(null, null, null, null, null);

    private final CurrentVertxRequest request;
    private final AuditRepository events;
    private final AuditHasher hasher;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ClientAddresses addresses;

    @Inject
    AuditLog(CurrentVertxRequest request, AuditRepository events, AuditHasher hasher, Clock clock, MeterRegistry registry,
            ClientAddresses addresses) {
        this.request = request;
        this.addresses = addresses;
        this.events = events;
        this.hasher = hasher;
        this.clock = clock;
        this.registry = registry;
    }

    public Uni<AuditEvent> success(UUID workspaceId, String action, String targetType, Object targetId, Changes changes) {
        return append(workspaceId, action, targetType, targetId, "success", changes);
    }

    /** Must run inside a transaction (callers are {@code @WithTransaction}). Actor and origin: the current request. */
    public Uni<AuditEvent> append(UUID workspaceId, String action, String targetType, Object targetId, String outcome,
            Changes changes) {
        var rc = request.getCurrent();
        var origin = rc == null ? NO_ORIGIN : addresses.originOf(rc);
        return appendFor(RequestCredentials.keyUsed(rc), origin, workspaceId, action, targetType, targetId, outcome,
                changes);
    }

    /**
     * For what Keyplane does by itself, outside a request (a scheduled credit refill): the actor is the operator,
     * the only actor type besides service accounts (API.md section 6). Must run inside a transaction.
     */
    public Uni<AuditEvent> appendScheduled(UUID workspaceId, String action, String targetType, Object targetId,
            Changes changes) {
        return appendFor(null, NO_ORIGIN, workspaceId, action, targetType, targetId, "success", changes);
    }

    /** For work outside a request: the actor is {@code key}'s account, or the operator when it is null. */
    Uni<AuditEvent> appendFor(KeyFacts key, Origin origin, UUID workspaceId, String action, String targetType,
            Object targetId, String outcome, Changes changes) {
        return events.lockHead(workspaceId)
                .chain(head -> {
                    var event = newEvent(head, key, origin, action, targetType, targetId, outcome, changes);
                    head.auditSeq = event.seq;
                    head.auditHead = event.hash;
                    return events.persist(event)
                            .invoke(() -> registry.counter("keyplane.audit.events", "outcome", outcome).increment());
                });
    }

    private AuditEvent newEvent(AuditChainHead head, KeyFacts key, Origin origin, String action, String targetType,
            Object targetId, String outcome, Changes changes) {
        var e = new AuditEvent();
        e.id = UUID.randomUUID();
        e.workspaceId = head.id;
        e.seq = head.auditSeq + 1;
        e.at = clock.instant();
        e.actorType = key == null ? "operator" : "service_account";
        e.actorId = key == null ? Caller.OPERATOR_ID : key.serviceAccountId().toString();
        e.actorKeyId = key == null ? null : key.keyId();
        e.action = action;
        e.targetType = targetType;
        // a denied call's target is its path, which may exceed the column: cut, so the refusal is still audited
        e.targetId = targetId == null ? null : truncate(targetId.toString(), 255);
        e.outcome = outcome;
        e.requestId = origin.requestId();
        e.sourceIp = origin.sourceIp();
        e.userAgent = truncate(origin.userAgent(), 512);
        e.changes = toJson(changes.asMap());
        e.prevHash = head.auditHead;
        e.keyVersion = (short) hasher.currentVersion();
        e.hash = hasher.hash(e);
        return e;
    }

    static String toJson(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit event not serialisable", e);
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
