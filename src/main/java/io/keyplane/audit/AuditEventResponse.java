package io.keyplane.audit;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonRawValue;

/** One audit event as API.md section 6 shows it. */
@Schema(name = "AuditEvent")
public record AuditEventResponse(
        UUID id,
        @Schema(description = "Position in the workspace's chain: 1, 2, 3, ... with no gaps") long seq,
        UUID workspaceId,
        Instant at,
        Actor actor,
        @Schema(example = "api_key.revoke", description = "`<object>.<verb>` (`api_key.create`, `scope.delete`, ...), "
                + "or `access.denied` for a management call refused with 403") String action,
        Target target,
        @Schema(enumeration = { "success", "denied" }) String outcome,
        String requestId,
        String sourceIp,
        String userAgent,
        @JsonRawValue @Schema(type = SchemaType.OBJECT, example = "{\"status\": [\"active\", \"revoked\"]}",
                description = "Field name to `[before, after]`; never a key or a hash of one") String changes,
        @Schema(description = "`hash` of the previous event, \"\" for seq 1") String prevHash,
        @Schema(description = "Hex SHA-256 over the event's canonical form and `prev_hash`") String hash) {

    @Schema(name = "AuditActor")
    public record Actor(
            @Schema(enumeration = { "service_account", "operator" }) String type,
            @Schema(description = "The service account id, or `operator`") String id,
            @Schema(description = "The key used; null for the operator") UUID keyId) {
    }

    @Schema(name = "AuditTarget")
    public record Target(
            @Schema(example = "api_key", description = "`workspace`, `service_account`, `api_key`, `scope`, or "
                    + "`request` (the path of a denied call)") String type,
            String id) {
    }

    static AuditEventResponse from(AuditEvent e) {
        return new AuditEventResponse(e.id, e.seq, e.workspaceId, e.at, new Actor(e.actorType, e.actorId, e.actorKeyId),
                e.action, new Target(e.targetType, e.targetId), e.outcome, e.requestId, e.sourceIp, e.userAgent,
                e.changes == null ? "{}" : e.changes, e.prevHash, e.hash);
    }
}
