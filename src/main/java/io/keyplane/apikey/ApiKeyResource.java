package io.keyplane.apikey;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import io.keyplane.apikey.ApiKeyDtos.ApiKeyResponse;
import io.keyplane.apikey.ApiKeyDtos.CreateApiKeyRequest;
import io.keyplane.apikey.ApiKeyDtos.RevealResponse;
import io.keyplane.apikey.ApiKeyDtos.RotateApiKeyRequest;
import io.keyplane.apikey.ApiKeyDtos.StatusResponse;
import io.keyplane.apikey.ApiKeyDtos.UpdateApiKeyRequest;
import io.keyplane.auth.Caller;
import io.keyplane.auth.WorkspacePermission;
import io.keyplane.common.JsonBodies;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.PageRequest;
import io.keyplane.common.SecretResponse;
import io.keyplane.key.KeyKind;
import io.keyplane.key.Permissions;
import io.keyplane.usage.UsageDtos.KeyUsageResponse;
import io.keyplane.usage.UsageDtos.KeyUsageSummary;
import io.keyplane.usage.UsageSummaries;
import io.quarkus.security.PermissionsAllowed;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/workspaces/{workspaceId}/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API keys", description = "Issue, list, update, pause, resume, rotate, reveal and revoke keys")
public class ApiKeyResource {

    private static final List<String> STATUSES = List.of(ApiKey.ACTIVE, ApiKey.PAUSED, ApiKey.EXPIRED, ApiKey.REVOKED);

    private final ApiKeyService keys;
    private final UsageSummaries summaries;
    private final JsonBodies bodies;
    private final SecurityIdentity identity;

    @Inject
    ApiKeyResource(ApiKeyService keys, UsageSummaries summaries, JsonBodies bodies, SecurityIdentity identity) {
        this.keys = keys;
        this.summaries = summaries;
        this.bodies = bodies;
        this.identity = identity;
    }

    @GET
    @PermissionsAllowed(value = Permissions.KEYS_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "listApiKeys",
            summary = "List API keys", description = "Needs `keys:read`. A bare array, newest first, never with "
            + "`key`. Filters: `status` (computed: active, paused, expired, revoked), `kind`, `service_account_id`, "
            + "`expiring_within` (not expired yet, but within this: `7d`, `12h`) and `unused_for` (no valid use for "
            + "this long, counting a key never used from its creation: `90d`). "
            + "`limit` 1-200 (default 50); the next page is in the `Link: <...>; rel=\"next\"` header.")
    public Uni<RestResponse<List<ApiKeyResponse>>> list(@RestPath UUID workspaceId,
            @RestQuery @Schema(enumeration = { "active", "paused", "expired", "revoked" }) String status,
            @RestQuery @Schema(enumeration = { "api", "service", "ingest" }) String kind,
            @RestQuery("service_account_id") UUID serviceAccountId,
            @RestQuery("expiring_within") @Schema(pattern = ApiKeyInputs.AGE, maxLength = 10, example = "7d") String expiringWithin,
            @RestQuery("unused_for") @Schema(pattern = ApiKeyInputs.AGE, maxLength = 10, example = "90d") String unusedFor,
            @RestQuery String limit, @RestQuery String cursor, @Context UriInfo uri) {
        var page = PageRequest.of(limit, cursor);
        if (status != null && !STATUSES.contains(status)) {
            throw KeyplaneException.validation("status", "must be one of " + STATUSES);
        }
        var kindFilter = kind == null ? null : KeyKind.parse(kind)
                .orElseThrow(() -> KeyplaneException.validation("kind", "must be api, service or ingest"));
        var filter = new ApiKeyRepository.Filter(status, kindFilter, serviceAccountId,
                ApiKeyInputs.age("expiring_within", expiringWithin), ApiKeyInputs.age("unused_for", unusedFor));
        return keys.list(workspaceId, filter, page).map(p -> p.toResponse(uri));
    }

    @SecretResponse
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed(value = Permissions.KEYS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "createApiKey",
            summary = "Create an API key", description = "Needs `keys:write`. The plain `key` is in this response "
            + "only. Send `Idempotency-Key` to make retries safe: for 24 h the same calling key, Idempotency-Key and "
            + "body return the first result (authorised again), a different body is 422 `idempotency_key_reused`; "
            + "another caller's Idempotency-Key never replays yours. Creating a ServiceKey with management "
            + "permissions needs the caller to hold them.")
    @APIResponse(responseCode = "201", description = "Created, with `key`",
            content = @Content(schema = @Schema(implementation = ApiKeyResponse.class)))
    @APIResponse(responseCode = "422", description = "`scope_exceeds_account`, `unknown_scope`, `unprocessable` "
            + "(past `expires_at`, unknown `service_account_id`), `idempotency_key_reused`")
    public Uni<RestResponse<ApiKeyResponse>> create(@RestPath UUID workspaceId,
            @Parameter(in = ParameterIn.HEADER, description = "Makes a retried POST return the first result",
                    schema = @Schema(type = SchemaType.STRING, maxLength = Idempotency.MAX_KEY_LENGTH,
                            pattern = "^[\\x21-\\x7E]+$"))
            @RestHeader("Idempotency-Key") String idempotencyKey,
            @Valid @NotNull CreateApiKeyRequest body, @Context UriInfo uri) {
        if (idempotencyKey != null) {
            Idempotency.validate(idempotencyKey);
        }
        return keys.create(workspaceId, body, Caller.of(identity), idempotencyKey)
                .map(key -> RestResponse.ResponseBuilder.<ApiKeyResponse>created(
                        uri.getAbsolutePathBuilder().path(key.id().toString()).build()).entity(key).build());
    }

    @GET
    @Path("/{keyId}")
    @PermissionsAllowed(value = Permissions.KEYS_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "getApiKey", summary = "Get an API key", description = "Needs `keys:read`.")
    public Uni<ApiKeyResponse> get(@RestPath UUID workspaceId, @RestPath UUID keyId) {
        return keys.get(workspaceId, keyId);
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{keyId}")
    @PermissionsAllowed(value = Permissions.KEYS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "updateApiKey",
            summary = "Update an API key", description = "Needs `keys:write`. Changes `name`, `scopes`, "
            + "`expires_at`, `rate_limit`, `allowed_cidrs`, `meta`; never the secret.")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateApiKeyRequest.class)))
    @APIResponse(responseCode = "200", description = "The key as changed",
            content = @Content(schema = @Schema(implementation = ApiKeyResponse.class)))
    @APIResponse(responseCode = "409", description = "`key_revoked`")
    @APIResponse(responseCode = "422", description = "`scope_exceeds_account`, `unknown_scope`, `unprocessable`")
    public Uni<ApiKeyResponse> update(@RestPath UUID workspaceId, @RestPath UUID keyId, JsonNode body) {
        return keys.update(workspaceId, keyId, bodies.patch(body, UpdateApiKeyRequest.class), Caller.of(identity));
    }

    @DELETE
    @Path("/{keyId}")
    @PermissionsAllowed(value = Permissions.KEYS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "revokeApiKey",
            summary = "Revoke an API key", description = "Needs `keys:write`. Permanent, and in force before "
            + "this response is sent. Every key before this one in its rotation chain that is still inside its grace "
            + "period is revoked with it (an `api_key.revoke` event each, naming this key as `revoked_with`), so "
            + "revoking the newest key of a rotation stops access at once.")
    @APIResponse(responseCode = "200", description = "`{\"status\": \"revoked\"}`")
    public Uni<StatusResponse> revoke(@RestPath UUID workspaceId, @RestPath UUID keyId) {
        return keys.revoke(workspaceId, keyId, Caller.of(identity)).map(k -> new StatusResponse(k.status()));
    }

    @POST
    @Path("/{keyId}/pause")
    @PermissionsAllowed(value = Permissions.KEYS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "pauseApiKey",
            summary = "Pause an API key", description = "Needs `keys:write`. The key fails with `key_paused` "
            + "(verify: PAUSED) until resumed.")
    @APIResponse(responseCode = "200", description = "The key, paused",
            content = @Content(schema = @Schema(implementation = ApiKeyResponse.class)))
    @APIResponse(responseCode = "409", description = "`key_revoked`")
    public Uni<ApiKeyResponse> pause(@RestPath UUID workspaceId, @RestPath UUID keyId) {
        return keys.pause(workspaceId, keyId, Caller.of(identity));
    }

    @POST
    @Path("/{keyId}/resume")
    @PermissionsAllowed(value = Permissions.KEYS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "resumeApiKey", summary = "Resume a paused API key", description = "Needs `keys:write`.")
    @APIResponse(responseCode = "200", description = "The key, active again",
            content = @Content(schema = @Schema(implementation = ApiKeyResponse.class)))
    @APIResponse(responseCode = "409", description = "`key_revoked`")
    public Uni<ApiKeyResponse> resume(@RestPath UUID workspaceId, @RestPath UUID keyId) {
        return keys.resume(workspaceId, keyId, Caller.of(identity));
    }

    @SecretResponse
    @POST
    @Path("/{keyId}/rotate")
    @PermissionsAllowed(value = Permissions.KEYS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "rotateApiKey",
            summary = "Rotate an API key", description = "Needs `keys:write`. Returns the successor with its `key`. "
            + "The old key gets `replaced_by` and keeps working for `grace_period_seconds` (dual-key overlap), then "
            + "expires; with 0 (the default) it is revoked at once. A key can be rotated once: rotate its successor "
            + "next. The successor keeps the old key's lifetime if it had an expiry.")
    @APIResponse(responseCode = "201", description = "The successor, with `key`",
            content = @Content(schema = @Schema(implementation = ApiKeyResponse.class)))
    @APIResponse(responseCode = "409", description = "`key_revoked`, `already_rotated`")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RotateApiKeyRequest.class)))
    public Uni<RestResponse<ApiKeyResponse>> rotate(@RestPath UUID workspaceId, @RestPath UUID keyId, String rawBody,
            @Context UriInfo uri) {
        var body = bodies.optional(rawBody, RotateApiKeyRequest.class); // optional: bodiless POSTs are fine
        int grace = body == null || body.gracePeriodSeconds() == null ? 0 : body.gracePeriodSeconds();
        return keys.rotate(workspaceId, keyId, grace, Caller.of(identity))
                .map(next -> RestResponse.ResponseBuilder.<ApiKeyResponse>created(uri.getBaseUriBuilder()
                        .path("/api/v1/workspaces/{ws}/api-keys/{id}").build(workspaceId, next.id())).entity(next).build());
    }

    @SecretResponse
    @GET
    @Path("/{keyId}/reveal")
    @PermissionsAllowed(value = Permissions.KEYS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "revealApiKey",
            summary = "Reveal an ingest key", description = "Needs `keys:write`. Ingest keys only; every reveal "
            + "is audited.")
    @APIResponse(responseCode = "200", description = "The ingest key's value",
            content = @Content(schema = @Schema(implementation = RevealResponse.class)))
    @APIResponse(responseCode = "409", description = "`not_revealable` (not an ingest key), `key_revoked`")
    public Uni<RevealResponse> reveal(@RestPath UUID workspaceId, @RestPath UUID keyId) {
        return keys.reveal(workspaceId, keyId).map(RevealResponse::new);
    }

    @GET
    @Path("/{keyId}/usage")
    @PermissionsAllowed(value = Permissions.KEYS_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "listApiKeyUsage",
            summary = "Usage history of an API key", description = "Needs `keys:read`. Newest first, paged like "
            + "the key list: every verification of the key and every management call made with it.")
    public Uni<RestResponse<List<KeyUsageResponse>>> usage(@RestPath UUID workspaceId, @RestPath UUID keyId,
            @RestQuery String limit, @RestQuery String cursor, @Context UriInfo uri) {
        var page = PageRequest.of(limit, cursor);
        return keys.usage(workspaceId, keyId, page).map(p -> p.toResponse(uri));
    }

    @GET
    @Path("/{keyId}/usage/summary")
    @PermissionsAllowed(value = Permissions.KEYS_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "summarizeApiKeyUsage",
            summary = "Usage of an API key over time", description = "Needs `keys:read`. Uses by outcome code per "
            + "hour or day (UTC) from `from` (default 24 h ago, rounded down to the bucket) to `to` (default now), "
            + "from hourly counts kept `KEYPLANE_USAGE_ROLLUP_RETENTION` (90 days); at most 31 days by hour, 366 by "
            + "day. Counts arrive with the usage flush, about a second after the use.")
    public Uni<KeyUsageSummary> usageSummary(@RestPath UUID workspaceId, @RestPath UUID keyId,
            @RestQuery @Schema(format = "date-time", maxLength = 35) String from,
            @RestQuery @Schema(format = "date-time", maxLength = 35) String to,
            @RestQuery @Schema(enumeration = { "hour", "day" }) String granularity) {
        var range = summaries.range(from, to, granularity);
        return keys.requireKey(workspaceId, keyId).chain(() -> summaries.ofKey(workspaceId, keyId, range));
    }
}
