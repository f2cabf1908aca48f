package io.keyplane.usage;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The wire records of a key's usage history and of usage summaries (API.md 4.6 and 9). */
public final class UsageDtos {

    private UsageDtos() {
    }

    @Schema(name = "KeyUsage")
    public record KeyUsageResponse(Instant at, @Schema(enumeration = { "success", "denied" }) String outcome,
            @Schema(description = "Verification code (VALID, RATE_LIMITED, ...) or management outcome", maxLength = 64)
            String code,
            @Schema(maxLength = 16, nullable = true) String method,
            @Schema(maxLength = 2048, nullable = true) String path,
            @Schema(maxLength = 64, nullable = true) String sourceIp,
            @Schema(maxLength = 512, nullable = true) String userAgent,
            @Schema(maxLength = 128, nullable = true) String requestId) {

        static KeyUsageResponse from(KeyUsage u) {
            return new KeyUsageResponse(u.at, u.outcome, u.code, u.method, u.path, u.sourceIp, u.userAgent, u.requestId);
        }
    }

    @Schema(name = "UsageBucket", description = "Uses that started in this bucket, by outcome code (VALID, INSUFFICIENT_SCOPE, "
            + "RATE_LIMITED, ... or a management call's status); {} when there were none")
    public record UsageBucket(Instant start,
            @Schema(maxProperties = 64, additionalProperties = UseCount.class) Map<String, Long> counts) {
    }

    /** How the document describes one count of uses (a map value, which no annotation on Long can reach). */
    @Schema(name = "UseCount", type = SchemaType.INTEGER, format = "int64", minimum = "0",
            maximum = "9223372036854775807")
    public static final class UseCount {
        private UseCount() {
        }
    }

    @Schema(name = "KeyUsageSummary")
    public record KeyUsageSummary(Instant from, Instant to, @Schema(enumeration = { "hour", "day" }) String granularity,
            @Size(max = 744) List<UsageBucket> buckets) {
    }

    @Schema(name = "TopKey")
    public record TopKey(UUID keyId, @Schema(minimum = "0", maximum = "9223372036854775807") long count) {
    }

    @Schema(name = "WorkspaceUsageSummary")
    public record WorkspaceUsageSummary(Instant from, Instant to,
            @Schema(enumeration = { "hour", "day" }) String granularity, @Size(max = 744) List<UsageBucket> buckets,
            @Schema(description = "The keys most used in the range, most first") @Size(max = 10) List<TopKey> topKeys) {
    }
}
