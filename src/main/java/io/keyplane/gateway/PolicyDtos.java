package io.keyplane.gateway;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.keyplane.common.PlainText;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Wire records of the forward-auth policy endpoints (API.md section 9). */
public final class PolicyDtos {

    /** A path glob: segments that are a name, {@code *} (one segment) or {@code **} (any number); no dot segments. */
    static final String PATH_GLOB = "^/(?:(?!\\.{1,2}(?:/|$))(?:[^*?#%\\s/]+|\\*\\*?)(?:/(?!\\.{1,2}(?:/|$))(?:[^*?#%\\s/]+|\\*\\*?))*)?$";
    static final String METHOD = "^(\\*|[A-Za-z]{1,20})$";
    /** {@code authorization} (Bearer), {@code header:<name>} or {@code query:<name>}. */
    static final String KEY_SOURCE = "^(authorization|header:[A-Za-z0-9!#$&'*+.^_`|~-]{1,100}|query:[A-Za-z0-9._~-]{1,100})$";
    static final int MAX_RULES = 100;

    private PolicyDtos() {
    }

    @Schema(name = "ForwardAuthRule", description = "Requests with this method whose path matches the glob need these "
            + "scopes. The first rule that matches decides; a request no rule matches is denied (403 no_matching_rule).")
    @RegisterForReflection // also read from the database's JSON on the hot path
    public record Rule(
            @NotBlank @Pattern(regexp = METHOD, message = "must be an HTTP method or *")
            @Schema(description = "An HTTP method (any case, kept upper case) or `*` for any", example = "GET",
                    maxLength = 20, pattern = METHOD) String method,
            @NotBlank @Size(max = 1000)
            @Pattern(regexp = PATH_GLOB, message = "must be /segment/..., each segment a name, * (one segment) or ** (any number)")
            @Schema(description = "A glob on the normalised original path: `*` matches one segment, `**` any number "
                    + "(none included)", example = "/databases/**", maxLength = 1000, pattern = PATH_GLOB) String path,
            @NotNull @Size(max = 20)
            @Schema(description = "What the key must hold; none: any valid key", example = "[\"database:read\"]")
            List<@NotNull @Size(max = 100) String> scopes) {
    }

    @Schema(name = "CreateForwardAuthPolicyRequest")
    public record CreatePolicyRequest(
            @NotBlank @Size(max = 200) @PlainText String name,
            @NotNull @Size(min = 1, max = MAX_RULES) List<@NotNull @Valid Rule> rules,
            @Pattern(regexp = KEY_SOURCE, message = "must be authorization, header:<name> or query:<name>")
            @Schema(description = "Where the end user's key is: `authorization` (Bearer, the default), "
                    + "`header:<name>` or `query:<name>`", example = "authorization", maxLength = 140,
                    pattern = KEY_SOURCE) String keySource) {
    }

    @Schema(name = "UpdateForwardAuthPolicyRequest", description = "Fields left out stay as they are; `rules` is "
            + "replaced whole. Gateways see the change on their next request.")
    @RegisterForReflection // read through JsonBodies, not as a REST parameter: the native image needs it registered
    public record UpdatePolicyRequest(
            @Size(min = 1, max = 200) @PlainText String name,
            @Size(min = 1, max = MAX_RULES) List<@NotNull @Valid Rule> rules,
            @Pattern(regexp = KEY_SOURCE, message = "must be authorization, header:<name> or query:<name>")
            @Schema(maxLength = 140, pattern = KEY_SOURCE, example = "authorization") String keySource) {
    }

    @Schema(name = "ForwardAuthPolicy")
    public record PolicyResponse(
            UUID id,
            UUID workspaceId,
            @Schema(maxLength = 200, pattern = PlainText.PATTERN) String name,
            @Size(max = MAX_RULES) List<Rule> rules,
            @Schema(maxLength = 140, pattern = KEY_SOURCE, example = "authorization") String keySource,
            @Schema(description = "Acting service account id, or `operator`", maxLength = 36) String createdBy,
            Instant createdAt,
            Instant updatedAt) {
    }
}
