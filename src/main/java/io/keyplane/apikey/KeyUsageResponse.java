package io.keyplane.apikey;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "KeyUsage")
public record KeyUsageResponse(Instant at, @Schema(enumeration = { "success", "denied" }) String outcome,
        @Schema(description = "Verification code (VALID, RATE_LIMITED, ...) or management outcome") String code,
        String method, String path, String sourceIp, String userAgent, String requestId) {

    static KeyUsageResponse from(KeyUsage u) {
        return new KeyUsageResponse(u.at, u.outcome, u.code, u.method, u.path, u.sourceIp, u.userAgent, u.requestId);
    }
}
