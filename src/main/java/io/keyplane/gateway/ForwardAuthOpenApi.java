package io.keyplane.gateway;

import java.util.Map;
import java.util.function.BiConsumer;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Documents {@link ForwardAuthRoutes}, a Vert.x route the scanner cannot see: the same operation on each method, at
 * the policy's URL and, for Envoy, below it. It runs before the shared filters (higher priority), which add the
 * problem bodies, rate-limit headers and examples every operation gets.
 */
@OpenApiFilter(value = OpenApiFilter.RunStage.BUILD, priority = 100)
public class ForwardAuthOpenApi implements OASFilter {

    static final String SCHEME = "gatewayKey";
    private static final String UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    private static final String TAG = "Forward-auth";
    /** In the OpenAPI specification's order, the same in every build (Map.of iterates in an order of its own per run). */
    private static final Map<String, BiConsumer<PathItem, Operation>> METHODS = new java.util.LinkedHashMap<>();

    static {
        METHODS.put("Get", PathItem::setGET);
        METHODS.put("Put", PathItem::setPUT);
        METHODS.put("Post", PathItem::setPOST);
        METHODS.put("Delete", PathItem::setDELETE);
        METHODS.put("Patch", PathItem::setPATCH);
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        var components = openAPI.getComponents() == null ? OASFactory.createComponents() : openAPI.getComponents();
        components.addSecurityScheme(SCHEME, OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name(ForwardAuthRoutes.GATEWAY_KEY_HEADER)
                .description("The gateway's ServiceKey (`kp_svc_...`, holding `keys:verify`) on forward-auth calls"));
        openAPI.setComponents(components);
        openAPI.addTag(OASFactory.createTag().name(TAG).description("The hook NGINX (`auth_request`), Traefik "
                + "(`ForwardAuth`) and Envoy (`ext_authz`) call to ask whether a request may pass"));
        var paths = openAPI.getPaths() == null ? OASFactory.createPaths() : openAPI.getPaths();
        paths.addPathItem(ForwardAuthRoutes.PATH_PREFIX + "{policyId}", pathItem(false));
        paths.addPathItem(ForwardAuthRoutes.PATH_PREFIX + "{policyId}/{originalPath}", pathItem(true));
        openAPI.setPaths(paths);
    }

    private static PathItem pathItem(boolean envoy) {
        var item = OASFactory.createPathItem();
        METHODS.forEach((method, set) -> set.accept(item, operation(method, envoy)));
        return item;
    }

    private static Operation operation(String method, boolean envoy) {
        var op = OASFactory.createOperation().addTag(TAG)
                .operationId("forwardAuth" + method + (envoy ? "Below" : ""))
                .summary(envoy ? "Ask about a request (Envoy: original path appended)" : "Ask whether a request may pass")
                .description("Answers every method the same way (HEAD and OPTIONS too, undocumented here): the "
                        + "method only matters for Envoy, which sends the original one. The original request is `X-Original-Method` and "
                        + "`X-Original-URI` (NGINX), else `X-Forwarded-Method` and `X-Forwarded-Uri` (Traefik), else "
                        + "this call's method and the path after the policy id (Envoy); when several are present "
                        + "they must agree. The end user's key is in `Authorization: Bearer` unless the policy's "
                        + "`key_source` names a header or query parameter. The client address is the last "
                        + "entry of every `X-Forwarded-For` line joined. A GET rule covers HEAD. Rules match the path "
                        + "case-sensitively, each segment percent-decoded once; a path an upstream could route "
                        + "differently is 400 `invalid_path`: an encoded `/` (`%2F`), a segment that is `.` or `..` "
                        + "only once decoded, `#` or `%23`, `;` or `\\`. Refusals are usage of the key, not audit "
                        + "events.")
                // the end user's key is a Bearer token unless the policy's key_source names a header or parameter
                .addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(SCHEME).addScheme("bearer"))
                .addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(SCHEME))
                .addParameter(path("policyId", "The forward-auth policy", OASFactory.createSchema()
                        .addType(SchemaType.STRING).format("uuid").maxLength(36).pattern(UUID_PATTERN)))
                .addParameter(header(OriginalRequest.NGINX_METHOD, "NGINX: the original method", "^[A-Za-z]{1,20}$", 20))
                .addParameter(header(OriginalRequest.NGINX_URI, "NGINX: the original URI (`$request_uri`)", "^\\S+$", 8192))
                .addParameter(header(OriginalRequest.TRAEFIK_METHOD, "Traefik: the original method", "^[A-Za-z]{1,20}$", 20))
                .addParameter(header(OriginalRequest.TRAEFIK_URI, "Traefik: the original URI", "^\\S+$", 8192))
                .addParameter(header(OriginalRequest.FORWARDED_FOR, "The client address is the last entry",
                        "^[0-9A-Fa-f:., \\[\\]]*$", 1024));
        if (envoy) {
            op.addParameter(path("originalPath", "Envoy: the original path (it may hold slashes), with its query",
                    OASFactory.createSchema().addType(SchemaType.STRING).maxLength(8192).pattern("^\\S+$")));
        }
        var allowed = OASFactory.createAPIResponse().description("Allowed: the gateway passes the request on, copying "
                + "these headers upstream");
        allowed.addHeader(GatewayAnswers.KEY_ID, idHeader("The key's id"));
        allowed.addHeader(GatewayAnswers.WORKSPACE_ID, idHeader("The key's workspace"));
        allowed.addHeader(GatewayAnswers.SERVICE_ACCOUNT_ID, idHeader("The key's service account"));
        allowed.addHeader(GatewayAnswers.SCOPES, header("The key's effective scopes, space-separated",
                "^[a-z0-9_:* -]*$", 10_000));
        allowed.addHeader(GatewayAnswers.META, header("The key's `meta` as base64url (padded) JSON; `null` when it "
                + "has none", "^[A-Za-z0-9_-]*={0,2}$", 16_384));
        var responses = OASFactory.createAPIResponses().addAPIResponse("200", allowed);
        responses.addAPIResponse("400", problem("`original_request_unknown` (no original request), `invalid_path` "
                + "(malformed, above the root, or routable differently upstream: `%2F`, an encoded dot segment, "
                + "`#`, `%23`), `ambiguous_original_request` (headers that disagree)"));
        responses.addAPIResponse("401", problem("`missing_credentials`, `invalid_token`, `key_revoked`, `key_expired`, "
                + "`key_paused`, `service_account_disabled`, `kind_not_allowed` (the end user's key), with "
                + "`WWW-Authenticate`; or `invalid_gateway_key`: X-Keyplane-Gateway-Key is missing, not a ServiceKey "
                + "of the policy's workspace, or lacks `keys:verify`"));
        responses.addAPIResponse("403", problem("`insufficient_scope` (lists `required_scopes`), `ip_not_allowed` "
                + "(the forwarded client address), `no_matching_rule`"));
        responses.addAPIResponse("404", problem("`not_found`: no such policy in the gateway key's workspace"));
        responses.addAPIResponse("429", problem("`rate_limited` (the key's rate limit) or `usage_exceeded` (its "
                + "credits; Retry-After is the time to the next UTC day), with `Retry-After`"));
        responses.addAPIResponse("503", problem("`service_unavailable` (the database cannot be reached) or "
                + "`gateway_key_throttled` (the gateway key is over its own rate limit or failed too often), with "
                + "`Retry-After`"));
        return op.responses(responses);
    }

    private static org.eclipse.microprofile.openapi.models.responses.APIResponse problem(String description) {
        return OASFactory.createAPIResponse().description(description);
    }

    private static Parameter path(String name, String description, Schema schema) {
        return OASFactory.createParameter().name(name).in(Parameter.In.PATH).required(true).description(description)
                .schema(schema);
    }

    private static Parameter header(String name, String description, String pattern, int maxLength) {
        return OASFactory.createParameter().name(name).in(Parameter.In.HEADER).description(description)
                .schema(OASFactory.createSchema().addType(SchemaType.STRING).maxLength(maxLength).pattern(pattern));
    }

    private static Header idHeader(String description) {
        return OASFactory.createHeader().description(description).schema(OASFactory.createSchema()
                .addType(SchemaType.STRING).format("uuid").maxLength(36).pattern(UUID_PATTERN));
    }

    private static Header header(String description, String pattern, int maxLength) {
        return OASFactory.createHeader().description(description).schema(OASFactory.createSchema()
                .addType(SchemaType.STRING).maxLength(maxLength).pattern(pattern));
    }
}
