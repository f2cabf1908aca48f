package io.keyplane.common;

import java.util.List;

import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** RFC 9457 problem details with Keyplane's {@code code} and {@code request_id} extensions. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem details (application/problem+json)")
public record Problem(
        @Schema(example = "urn:keyplane:problem:insufficient_scope", maxLength = 100,
                pattern = "^urn:keyplane:problem:[a-z0-9_]+$") String type,
        @Schema(example = "Insufficient permissions for operation", maxLength = 200) String title,
        @Schema(example = "403", minimum = "400", maximum = "599") int status,
        @Schema(description = "May name what was refused (scopes, fields): bounded by the 64 KiB request",
                maxLength = 65536) String detail,
        @Schema(example = "/api/v1/workspaces/5e0c.../api-keys", maxLength = 8192) String instance,
        @Schema(example = "insufficient_scope", maxLength = 64, pattern = "^[a-z0-9_]+$") String code,
        @Schema(maxLength = 128) String requestId,
        @Schema(description = "Present on validation failures: every violation at once", maxItems = 10000)
        List<FieldError> errors,
        @Schema(description = "Present on insufficient_scope: the missing permissions", maxItems = 50)
        List<@Size(max = 100) String> requiredScopes,
        @Schema(description = "Present on limit_exceeded: the workspace's cap that was reached", minimum = "0",
                maximum = "2147483647") Integer limit) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The same problem about another {@code instance} (forward-auth names the original request's path). */
    public Problem about(String otherInstance) {
        return new Problem(type, title, status, detail, otherInstance, code, requestId, errors, requiredScopes, limit);
    }

    public static String titleOf(String code) {
        return switch (code) {
            case "validation_failed" -> "Request validation failed";
            case "unprocessable", "scope_exceeds_account" -> "Request cannot be processed";
            case "missing_credentials" -> "Missing credentials";
            case "invalid_token" -> "Invalid token";
            case "key_revoked" -> "Key revoked";
            case "key_expired" -> "Key expired";
            case "key_paused" -> "Key paused";
            case "service_account_disabled" -> "Service account disabled";
            case "service_key_required" -> "A ServiceKey is required";
            case "insufficient_scope" -> "Insufficient permissions for operation";
            case "workspace_mismatch" -> "Credential belongs to another workspace";
            case "ip_not_allowed" -> "Key not allowed from this address";
            case "workspace_header_mismatch" -> "X-Workspace-ID does not match the path";
            case "not_found" -> "Resource not found";
            case "method_not_allowed" -> "Method not allowed";
            case "unsupported_media_type" -> "Unsupported media type";
            case "not_acceptable" -> "Not acceptable";
            case "payload_too_large" -> "Request body too large";
            case "rate_limited" -> "Rate limit exceeded";
            case "internal_error" -> "Internal server error";
            case "service_unavailable" -> "Service unavailable";
            case "limit_exceeded" -> "Workspace limit reached";
            default -> code.substring(0, 1).toUpperCase() + code.substring(1).replace('_', ' ');
        };
    }
}
