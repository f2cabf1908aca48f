package io.keyplane.audit;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The answer of {@code GET .../audit-log/verify}: either {valid, events, head} or {valid, events, first_bad_seq, reason}. */
@Schema(name = "AuditVerification")
public record AuditVerification(
        boolean valid,
        @Schema(description = "Events read") long events,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "When valid: the hash of the last event (\"\" for an empty log)") String head,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "When not valid: the first seq where the chain breaks") Long firstBadSeq,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "When not valid: what is wrong there") String reason) {

    static AuditVerification valid(long events, String head) {
        return new AuditVerification(true, events, head, null, null);
    }

    static AuditVerification broken(long events, long firstBadSeq, String reason) {
        return new AuditVerification(false, events, null, firstBadSeq, reason);
    }
}
