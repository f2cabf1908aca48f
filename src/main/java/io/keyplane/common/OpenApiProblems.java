package io.keyplane.common;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
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

    /** By status: one order in every build (Map.of iterates in an order of its own per run). */
    private static final Map<String, String> COMMON = new java.util.TreeMap<>(Map.of(
            "400", "`validation_failed` (malformed JSON, unknown field, wrong type, bad id), `workspace_header_mismatch`",
            "401", "`missing_credentials`, `invalid_token`, `key_revoked`, `key_expired`, `key_paused`, "
                    + "`service_account_disabled`; with `WWW-Authenticate: Bearer realm=\"keyplane\", error=\"invalid_token\"`",
            "403", "`service_key_required`, `insufficient_scope` (lists `required_scopes`), `workspace_mismatch`, "
                    + "`ip_not_allowed` (the key's `allowed_cidrs` exclude the client)",
            "406", "`not_acceptable`: answers are JSON (and problem+json)",
            "413", "`payload_too_large`: bodies are limited to 64 KiB",
            "429", "`rate_limited`, with `Retry-After`",
            "500", "`internal_error`: a bug; quote `request_id`",
            "503", "`service_unavailable`, with `Retry-After`: the database cannot be reached or is saturated (a 2xx "
                    + "always means the change committed), or Redis cannot count a rate-limited use and "
                    + "`KEYPLANE_RATE_LIMIT_REDIS_FAILURE=closed`"));

    /** A refusal's description starts with the code it answers: its example uses that one. */
    private static final java.util.regex.Pattern PROBLEM_CODE = java.util.regex.Pattern.compile("^`([a-z0-9_]+)`");

    /** Headers documented once under components and referred to from every response that carries them. */
    private static final List<String> RATE_LIMIT_HEADERS = List.of("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        var components = openAPI.getComponents() == null ? OASFactory.createComponents() : openAPI.getComponents();
        components.addSecurityScheme("bearer", OASFactory.createSecurityScheme()
                .type(org.eclipse.microprofile.openapi.models.security.SecurityScheme.Type.HTTP).scheme("bearer")
                .description("The operator token, or a Keyplane key (`kp_svc_...` for management calls)"));
        addHeaderComponents(components);
        openAPI.setComponents(components);
        if (openAPI.getInfo() == null) {
            openAPI.setInfo(OASFactory.createInfo());
        }
        // with its SPDX identifier, as OpenAPI 3.1 has it (client generators require it)
        openAPI.getInfo().setLicense(OASFactory.createLicense().name("Apache 2.0").identifier("Apache-2.0"));
        // relative: the document describes the server that serves it, wherever it runs; public (OWASP API9 asks)
        openAPI.setServers(List.of(OASFactory.createServer().url("/").description("The Keyplane deployment that serves this document (local, staging or production)")
                .addExtension("x-internal", false)));
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
        if (op.getSecurity() == null) { // a filter before may have said more, or an endpoint "none" (security: [])
            op.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme("bearer")));
        }
        var responses = op.getResponses() == null ? OASFactory.createAPIResponses() : op.getResponses();
        boolean open = op.getSecurity().isEmpty(); // needs no credential: nothing to refuse it for
        COMMON.forEach((status, description) -> {
            if (!open || !(status.equals("401") || status.equals("403"))) {
                addProblem(responses, status, description);
            }
        });
        if (op.getRequestBody() != null) {
            addProblem(responses, "415", "`unsupported_media_type`: send `Content-Type: application/json`");
        }
        if (op.getParameters() != null && op.getParameters().stream().anyMatch(p -> "path".equals(p.getIn().toString())
                && !"name".equals(p.getName()))) {
            addProblem(responses, "404", "`not_found`: no such object in this workspace (other workspaces' objects "
                    + "are never revealed)");
        }
        responses.getAPIResponses().forEach((status, response) -> {
            if (!status.startsWith("2")) { // a refusal a resource names by its code alone is still a problem
                if (response.getContent() == null) {
                    response.content(problemContent());
                }
                var description = response.getDescription();
                if ((description == null || !description.startsWith("`")) && COMMON.containsKey(status)) {
                    response.description(COMMON.get(status)); // the scanner's own ("Bad Request") names no code
                }
                exemplify(status, response);
            }
            RATE_LIMIT_HEADERS.forEach(name -> response.addHeader(name, headerRef(name)));
            if ("429".equals(status) || "503".equals(status)) {
                response.addHeader("Retry-After", headerRef("Retry-After"));
            }
        });
        PagedLists.document(op);
        op.setResponses(responses);
    }

    /** RateLimit-* on every answer to a call made with a rate-limited key (API.md section 9); Retry-After on 429, 503. */
    private static void addHeaderComponents(org.eclipse.microprofile.openapi.models.Components components) {
        components.addHeader("RateLimit-Limit", header(1, 1_000_000_000,
                "The rate limit of the key in Authorization (absent for an unlimited key or the operator)"));
        components.addHeader("RateLimit-Remaining", header(0, 1_000_000_000, "Uses left in the current window"));
        components.addHeader("RateLimit-Reset", header(0, 86_400, "Whole seconds until the window resets"));
        components.addHeader("Retry-After", header(0, 86_400, "Whole seconds to wait before trying again"));
    }

    private static org.eclipse.microprofile.openapi.models.headers.Header header(long min, long max, String description) {
        return OASFactory.createHeader().description(description).schema(OASFactory.createSchema()
                .addType(SchemaType.INTEGER).format("int32").minimum(BigDecimal.valueOf(min)).maximum(BigDecimal.valueOf(max)));
    }

    private static org.eclipse.microprofile.openapi.models.headers.Header headerRef(String name) {
        return OASFactory.createHeader().ref("#/components/headers/" + name);
    }

    static void addProblem(APIResponses responses, String status, String description) {
        if (responses.hasAPIResponse(status)) {
            return;
        }
        responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description).content(problemContent()));
    }

    private static org.eclipse.microprofile.openapi.models.media.Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref("#/components/schemas/Problem")));
    }

    /** A refusal's example: its status, and the first code its description names (descriptions start with it). */
    private static void exemplify(String status, APIResponse response) {
        var content = response.getContent();
        var media = content == null || content.getMediaTypes() == null ? null : content.getMediaType(Problem.MEDIA_TYPE);
        var code = response.getDescription() == null ? null : PROBLEM_CODE.matcher(response.getDescription());
        if (media == null || media.getExample() != null || code == null || !code.find()) {
            return;
        }
        var example = new LinkedHashMap<String, Object>();
        example.put("type", "urn:keyplane:problem:" + code.group(1));
        example.put("title", Problem.titleOf(code.group(1)));
        example.put("status", Integer.parseInt(status));
        example.put("detail", "What was refused, and why");
        example.put("instance", "/api/v1/workspaces/3fa85f64-5717-4562-b3fc-2c963f66afa6/api-keys");
        example.put("code", code.group(1));
        example.put("request_id", "5d1c0b6e-8a55-4f4e-9d1a-3c2e7f0b9a41");
        media.setExample(example);
    }

    private static List<Operation> operations(PathItem item) {
        return java.util.stream.Stream.of(item.getGET(), item.getPOST(), item.getPATCH(), item.getPUT(), item.getDELETE())
                .filter(java.util.Objects::nonNull).toList();
    }
}
