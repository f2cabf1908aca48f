package io.keyplane.audit;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

/** Wire records of the audit log endpoints (API.md section 6). */
public final class AuditDtos {

    private AuditDtos() {
    }

    /** One audit event as API.md section 6 shows it. */
    @Schema(name = "AuditEvent")
    public record AuditEventResponse(
            UUID id,
            @Schema(description = "Position in the workspace's chain: 1, 2, 3, ... with no gaps", minimum = "1",
                    maximum = "9223372036854775807") long seq,
            UUID workspaceId,
            Instant at,
            Actor actor,
            @Schema(example = "api_key.revoke", description = "`<object>.<verb>` (`api_key.create`, `scope.delete`, ...), "
                    + "or `access.denied` for a management call refused with 403", maxLength = 64,
                    pattern = "^[a-z_]+\\.[a-z_]+$") String action,
            Target target,
            @Schema(enumeration = { "success", "denied" }) String outcome,
            @Schema(maxLength = 128, nullable = true) String requestId,
            @Schema(maxLength = 64, nullable = true) String sourceIp,
            @Schema(maxLength = 512, nullable = true) String userAgent,
            @JsonRawValue @Schema(type = SchemaType.OBJECT, example = "{\"status\": [\"active\", \"revoked\"]}",
                    description = "Field name to `[before, after]`; never a key or a hash of one") String changes,
            @Schema(description = "`hash` of the previous event, \"\" for seq 1", maxLength = 64, pattern = "^[0-9a-f]*$")
            String prevHash,
            @Schema(description = "Hex HMAC-SHA-256 (KEYPLANE_AUDIT_KEY) over the event's canonical form and `prev_hash`",
                    maxLength = 64, pattern = "^[0-9a-f]{64}$")
        String hash,
        @Schema(description = "Version of the audit key that made `hash`; 0 for events from before the chain was keyed",
                minimum = "0", maximum = "32767")
        int keyVersion) {

        @Schema(name = "AuditActor")
        public record Actor(
                @Schema(enumeration = { "service_account", "operator" }) String type,
                @Schema(description = "The service account id, or `operator`", maxLength = 36) String id,
                @Schema(description = "The key used; null for the operator", maxLength = 36, nullable = true)
                UUID keyId) {
        }

        @Schema(name = "AuditTarget")
        public record Target(
                @Schema(example = "api_key", description = "`workspace`, `service_account`, `api_key`, `scope`, or "
                        + "`request` (the path of a denied call)", maxLength = 32, pattern = "^[a-z_]+$") String type,
                @Schema(description = "The object's id; for `request`, the path (cut to 255 characters)", maxLength = 255,
                        nullable = true) String id) {
        }

        static AuditEventResponse from(AuditEvent e) {
            return new AuditEventResponse(e.id, e.seq, e.workspaceId, e.at, new Actor(e.actorType, e.actorId, e.actorKeyId),
                    e.action, new Target(e.targetType, e.targetId), e.outcome, e.requestId, e.sourceIp, e.userAgent,
                    e.changes == null ? "{}" : e.changes, e.prevHash, e.hash, e.keyVersion);
        }
    }

    /**
     * The answer of {@code GET .../audit-log/verify}: either {valid, events, head, from_seq, to_seq} or {valid, events,
     * first_bad_seq, reason, from_seq, to_seq}.
     */
    @Schema(name = "AuditVerification")
    public record AuditVerification(
            boolean valid,
            @Schema(description = "Events in the chain up to `to_seq`, those an earlier verification covered included",
                    minimum = "0", maximum = "9223372036854775807") long events,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "When valid: the hash of the last event (\"\" for an empty log)", maxLength = 64,
                    pattern = "^[0-9a-f]*$") String head,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "When not valid: the first seq where the chain breaks", minimum = "1",
                    maximum = "9223372036854775807") Long firstBadSeq,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "When not valid: what is wrong there", maxLength = 500) String reason,
            @Schema(description = "The first seq this verification recomputed: 1 for a full walk, else the one after "
                    + "the last verified checkpoint. Greater than `to_seq` when no event was walked (nothing new "
                    + "since the checkpoint, or the log now ends before it)", minimum = "1",
                    maximum = "9223372036854775807") long fromSeq,
            @Schema(description = "The seq of the workspace's head when the verification started: the last one it "
                    + "vouches for", minimum = "0", maximum = "9223372036854775807") long toSeq) {

        static AuditVerification valid(long events, String head, long fromSeq, long toSeq) {
            return new AuditVerification(true, events, head, null, null, fromSeq, toSeq);
        }

        static AuditVerification broken(long events, long firstBadSeq, String reason, long fromSeq, long toSeq) {
            return new AuditVerification(false, events, null, firstBadSeq, reason, fromSeq, toSeq);
        }
    }
}
