package io.keyplane.webhook;

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
import org.eclipse.microprofile.openapi.annotations.callbacks.Callback;
import org.eclipse.microprofile.openapi.annotations.callbacks.CallbackOperation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import io.keyplane.auth.Caller;
import io.keyplane.auth.WorkspacePermission;
import io.keyplane.common.JsonBodies;
import io.keyplane.common.KeyplaneConfig;
import io.keyplane.common.PageRequest;
import io.keyplane.common.SecretResponse;
import io.keyplane.key.Permissions;
import io.keyplane.webhook.WebhookDtos.CreateWebhookRequest;
import io.keyplane.webhook.WebhookDtos.CreatedWebhookResponse;
import io.keyplane.webhook.WebhookDtos.DeliveryResponse;
import io.keyplane.webhook.WebhookDtos.EventSchema;
import io.keyplane.webhook.WebhookDtos.UpdateWebhookRequest;
import io.keyplane.webhook.WebhookDtos.WebhookResponse;
import io.quarkus.security.PermissionsAllowed;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/workspaces/{workspaceId}/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks", description = "Signed POSTs of the workspace's events (its audit log) to your endpoints")
@SecurityScheme(securitySchemeName = WebhookResource.SIGNATURE_SCHEME, type = SecuritySchemeType.APIKEY,
        in = SecuritySchemeIn.HEADER, apiKeyName = WebhookSender.SIGNATURE, description = "What a webhook delivery "
                + "carries to your endpoint: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + \".\" + raw body)>`")
public class WebhookResource {

    static final String SIGNATURE_SCHEME = "webhookSignature";

    static final String SIGNATURE_HELP = "Verify `Keyplane-Signature: t=<unix seconds>,v1=<hex>` before trusting "
            + "a delivery: compute HMAC-SHA256 with the webhook's secret (the whole `whsec_...` string as UTF-8) over "
            + "`t`, a `.`, and the raw body as received; compare it with `v1` in constant time; refuse a `t` more "
            + "than 5 minutes from your clock. Answer 2xx within 10 s; anything else is retried with exponential "
            + "backoff for 24 h. An event may arrive more than once: `Keyplane-Event-Id` is the same each time.";

    private final WebhookService webhooks;
    private final JsonBodies bodies;
    private final SecurityIdentity identity;

    @Inject
    WebhookResource(WebhookService webhooks, JsonBodies bodies, SecurityIdentity identity) {
        this.webhooks = webhooks;
        this.bodies = bodies;
        this.identity = identity;
    }

    @GET
    @PermissionsAllowed(value = Permissions.WEBHOOKS_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "listWebhooks", summary = "List webhooks", description = "Needs `webhooks:read`. "
            + "Newest first; `limit` 1-200 (default 50), next page in the `Link: rel=\"next\"` header. A workspace "
            + "has at most `KEYPLANE_LIMIT_WEBHOOKS` webhooks (default 16, the `maxItems` shown).")
    @APIResponse(responseCode = "200", description = "The webhooks", content = @Content(schema = @Schema(
            type = SchemaType.ARRAY, implementation = WebhookResponse.class, maxItems = KeyplaneConfig.Limit.DEFAULT_WEBHOOKS)))
    public Uni<RestResponse<List<WebhookResponse>>> list(@RestPath UUID workspaceId, @RestQuery String limit,
            @RestQuery String cursor, @Context UriInfo uri) {
        var page = PageRequest.of(limit, cursor);
        return webhooks.list(workspaceId, page).map(p -> p.toResponse(uri));
    }

    @SecretResponse
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed(value = Permissions.WEBHOOKS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "createWebhook", summary = "Create a webhook", description = "Needs `webhooks:write`. "
            + "The response shows the signing `secret`, this once. The webhook receives the events that happen "
            + "after it is created. " + SIGNATURE_HELP)
    @APIResponse(responseCode = "201", description = "Created, with `secret`",
            content = @Content(schema = @Schema(implementation = CreatedWebhookResponse.class)))
    @APIResponse(responseCode = "422", description = "`url_not_allowed`: the URL's host is, or resolves to, a "
            + "loopback, link-local or private address; `unprocessable`: an unknown event type; `limit_exceeded`: "
            + "the workspace has `KEYPLANE_LIMIT_WEBHOOKS` webhooks already (default 16; the problem's `limit`)")
    @Callback(name = "event", callbackUrlExpression = "{$request.body#/url}", operations = @CallbackOperation(
            method = "post", summary = "One event, signed", description = SIGNATURE_HELP,
            security = @SecurityRequirement(name = SIGNATURE_SCHEME),
            parameters = {
                    @Parameter(name = WebhookSender.EVENT_ID, in = ParameterIn.HEADER, required = true,
                            description = "The event's id: the same in every attempt and redelivery",
                            schema = @Schema(type = SchemaType.STRING, format = "uuid", maxLength = 36)),
                    @Parameter(name = WebhookSender.SIGNATURE, in = ParameterIn.HEADER, required = true,
                            description = "`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + \".\" + raw body)>`",
                            schema = @Schema(type = SchemaType.STRING, maxLength = 100,
                                    pattern = "^t=[0-9]+,v1=[0-9a-f]{64}$")) },
            requestBody = @RequestBody(required = true,
                    content = @Content(mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = EventSchema.class))),
            responses = {
                    @APIResponse(responseCode = "200", description = "Any 2xx: delivered"),
                    @APIResponse(responseCode = "4XX", description = "Any other answer, or none within 10 s: "
                            + "retried with exponential backoff for 24 h") }))
    public Uni<RestResponse<CreatedWebhookResponse>> create(@RestPath UUID workspaceId,
            @Valid @NotNull CreateWebhookRequest body, @Context UriInfo uri) {
        return webhooks.create(workspaceId, body, Caller.of(identity))
                .map(webhook -> RestResponse.ResponseBuilder.<CreatedWebhookResponse>created(
                        uri.getAbsolutePathBuilder().path(webhook.webhook().id().toString()).build()).entity(webhook).build());
    }

    @GET
    @Path("/{webhookId}")
    @PermissionsAllowed(value = Permissions.WEBHOOKS_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "getWebhook", summary = "Get a webhook", description = "Needs `webhooks:read`. The "
            + "secret is never shown again.")
    public Uni<WebhookResponse> get(@RestPath UUID workspaceId, @RestPath UUID webhookId) {
        return webhooks.get(workspaceId, webhookId);
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{webhookId}")
    @PermissionsAllowed(value = Permissions.WEBHOOKS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "updateWebhook", summary = "Update a webhook", description = "Needs `webhooks:write`. "
            + "`status: disabled` stops deliveries; `active` resumes them with the events from then on.")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateWebhookRequest.class)))
    @APIResponse(responseCode = "200", description = "The webhook as changed",
            content = @Content(schema = @Schema(implementation = WebhookResponse.class)))
    @APIResponse(responseCode = "422", description = "`url_not_allowed` or `unprocessable`, as for create")
    public Uni<WebhookResponse> update(@RestPath UUID workspaceId, @RestPath UUID webhookId, JsonNode body) {
        return webhooks.update(workspaceId, webhookId, bodies.patch(body, UpdateWebhookRequest.class));
    }

    @DELETE
    @Path("/{webhookId}")
    @PermissionsAllowed(value = Permissions.WEBHOOKS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "deleteWebhook", summary = "Delete a webhook", description = "Needs `webhooks:write`. "
            + "Its delivery log goes with it; nothing more is sent.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<RestResponse<Void>> delete(@RestPath UUID workspaceId, @RestPath UUID webhookId) {
        return webhooks.delete(workspaceId, webhookId).map(ignored -> RestResponse.noContent());
    }

    @GET
    @Path("/{webhookId}/deliveries")
    @PermissionsAllowed(value = Permissions.WEBHOOKS_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "listWebhookDeliveries", summary = "List a webhook's deliveries",
            description = "Needs `webhooks:read`. Newest event first; `limit` 1-200 (default 50), next page in the "
                    + "`Link: rel=\"next\"` header. Finished deliveries are kept 30 days.")
    public Uni<RestResponse<List<DeliveryResponse>>> deliveries(@RestPath UUID workspaceId,
            @RestPath UUID webhookId, @RestQuery String limit, @RestQuery String cursor, @Context UriInfo uri) {
        var page = PageRequest.of(limit, cursor);
        return webhooks.deliveries(workspaceId, webhookId, page).map(p -> p.toResponse(uri));
    }

    @POST
    @Path("/{webhookId}/deliveries/{deliveryId}/redeliver")
    @PermissionsAllowed(value = Permissions.WEBHOOKS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "redeliverWebhookDelivery", summary = "Send a delivery again",
            description = "Needs `webhooks:write`. A failed (or succeeded) delivery becomes pending and is sent at "
                    + "the next poll, with the same event id and a fresh 24 h of retries.")
    @APIResponse(responseCode = "202", description = "Queued again",
            content = @Content(schema = @Schema(implementation = DeliveryResponse.class)))
    @APIResponse(responseCode = "409", description = "`delivery_pending`: it is still being retried; "
            + "`webhook_disabled`: enable the webhook first")
    public Uni<RestResponse<DeliveryResponse>> redeliver(@RestPath UUID workspaceId, @RestPath UUID webhookId,
            @RestPath UUID deliveryId) {
        return webhooks.redeliver(workspaceId, webhookId, deliveryId).map(RestResponse::accepted);
    }
}
