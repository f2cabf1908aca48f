package io.keyplane.common;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Documents, on every /api/v1 operation, the bearer requirement and the problem+json errors every client
 * must handle, so each resource method lists only what is particular to it.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class OpenApiProblems implements OASFilter {

    private static final Map<String, String> COMMON = Map.of(
            "400", "`validation_failed` (malformed JSON, unknown field, wrong type, bad id), `workspace_header_mismatch`",
            "401", "`missing_credentials`, `invalid_token`, `key_revoked`, `key_expired`, `key_paused`, "
                    + "`service_account_disabled`; with `WWW-Authenticate: Bearer realm=\"keyplane\", error=\"invalid_token\"`",
            "403", "`service_key_required`, `insufficient_scope` (lists `required_scopes`), `workspace_mismatch`, "
                    + "`ip_not_allowed` (the key's `allowed_cidrs` exclude the client)",
            "413", "`payload_too_large`: bodies are limited to 64 KiB",
            "429", "`rate_limited`, with `Retry-After`",
            "500", "`internal_error`: a bug; quote `request_id`",
            "503", "`service_unavailable`, with `Retry-After`: the database cannot be reached or is saturated (a 2xx "
                    + "always means the change committed), or Redis cannot count a rate-limited use and "
                    + "`KEYPLANE_RATE_LIMIT_REDIS_FAILURE=closed`");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        var components = openAPI.getComponents() == null ? OASFactory.createComponents() : openAPI.getComponents();
        components.addSecurityScheme("bearer", OASFactory.createSecurityScheme()
                .type(org.eclipse.microprofile.openapi.models.security.SecurityScheme.Type.HTTP).scheme("bearer")
                .description("The operator token, or a Keyplane key (`kp_svc_...` for management calls)"));
        openAPI.setComponents(components);
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                operations(item).forEach(this::document);
            }
        });
    }

    private void document(Operation op) {
        op.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme("bearer")));
        var responses = op.getResponses() == null ? OASFactory.createAPIResponses() : op.getResponses();
        COMMON.forEach((status, description) -> addProblem(responses, status, description));
        if (responses.getAPIResponses() != null) {
            responses.getAPIResponses().values().forEach(OpenApiProblems::addRateLimitHeaders);
        }
        if (op.getParameters() != null && op.getParameters().stream().anyMatch(p -> "path".equals(p.getIn().toString())
                && !"name".equals(p.getName()))) {
            addProblem(responses, "404", "`not_found`: no such object in this workspace (other workspaces' objects "
                    + "are never revealed)");
        }
        op.setResponses(responses);
    }

    /** On every answer to a call made with a rate-limited key (API.md section 9). */
    private static void addRateLimitHeaders(APIResponse response) {
        var seconds = OASFactory.createSchema().addType(SchemaType.INTEGER).minimum(BigDecimal.ZERO);
        response.addHeader("RateLimit-Limit", OASFactory.createHeader().schema(seconds)
                .description("The rate limit of the key in Authorization (absent for an unlimited key or the operator)"));
        response.addHeader("RateLimit-Remaining", OASFactory.createHeader().schema(seconds)
                .description("Uses left in the current window"));
        response.addHeader("RateLimit-Reset", OASFactory.createHeader().schema(seconds)
                .description("Whole seconds until the window resets"));
    }

    static void addProblem(APIResponses responses, String status, String description) {
        if (responses.hasAPIResponse(status)) {
            return;
        }
        responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref("#/components/schemas/Problem")))));
    }

    private static List<Operation> operations(PathItem item) {
        return java.util.stream.Stream.of(item.getGET(), item.getPOST(), item.getPATCH(), item.getPUT(), item.getDELETE())
                .filter(java.util.Objects::nonNull).toList();
    }
}
