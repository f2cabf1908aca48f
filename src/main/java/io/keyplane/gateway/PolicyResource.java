package io.keyplane.gateway;

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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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
import io.keyplane.gateway.PolicyDtos.CreatePolicyRequest;
import io.keyplane.gateway.PolicyDtos.PolicyResponse;
import io.keyplane.gateway.PolicyDtos.UpdatePolicyRequest;
import io.keyplane.key.Permissions;
import io.quarkus.security.PermissionsAllowed;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/workspaces/{workspaceId}/forward-auth-policies")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Forward-auth policies", description = "Which keys a gateway (NGINX, Traefik, Envoy) lets through to "
        + "which routes, answered at /api/v1/forward-auth/{policyId}")
public class PolicyResource {

    private final PolicyService policies;
    private final JsonBodies bodies;
    private final SecurityIdentity identity;

    @Inject
    PolicyResource(PolicyService policies, JsonBodies bodies, SecurityIdentity identity) {
        this.policies = policies;
        this.bodies = bodies;
        this.identity = identity;
    }

    @GET
    @PermissionsAllowed(value = Permissions.FORWARD_AUTH_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "listForwardAuthPolicies", summary = "List forward-auth policies",
            description = "Needs `forward_auth:read`. Newest first; `limit` 1-200 (default 50), next page in the "
                    + "`Link: rel=\"next\"` header. A workspace has at most `KEYPLANE_LIMIT_POLICIES` policies "
                    + "(default 100, the `maxItems` shown).")
    @APIResponse(responseCode = "200", description = "The policies", content = @Content(schema = @Schema(
            type = SchemaType.ARRAY, implementation = PolicyResponse.class, maxItems = KeyplaneConfig.Limit.DEFAULT_POLICIES)))
    public Uni<RestResponse<List<PolicyResponse>>> list(@RestPath UUID workspaceId, @RestQuery String limit,
            @RestQuery String cursor, @Context UriInfo uri) {
        var page = PageRequest.of(limit, cursor);
        return policies.list(workspaceId, page).map(p -> p.toResponse(uri));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed(value = Permissions.FORWARD_AUTH_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "createForwardAuthPolicy", summary = "Create a forward-auth policy",
            description = "Needs `forward_auth:write`. Rules are `METHOD path-glob → scopes`; the first match wins "
                    + "and a request no rule matches is denied. Point a gateway at `/api/v1/forward-auth/{id}`.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = PolicyResponse.class)))
    @APIResponse(responseCode = "422", description = "`unknown_scope`: a rule's scope is not in the catalog; "
            + "`unprocessable`: `key_source` names the gateway key's header; `limit_exceeded`: the workspace has "
            + "`KEYPLANE_LIMIT_POLICIES` policies already (default 100; the problem's `limit`)")
    public Uni<RestResponse<PolicyResponse>> create(@RestPath UUID workspaceId,
            @Valid @NotNull CreatePolicyRequest body, @Context UriInfo uri) {
        return policies.create(workspaceId, body, Caller.of(identity))
                .invoke(policy -> policies.evictHere(policy.id()))
                .map(policy -> RestResponse.ResponseBuilder.<PolicyResponse>created(
                        uri.getAbsolutePathBuilder().path(policy.id().toString()).build()).entity(policy).build());
    }

    @GET
    @Path("/{policyId}")
    @PermissionsAllowed(value = Permissions.FORWARD_AUTH_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "getForwardAuthPolicy", summary = "Get a forward-auth policy",
            description = "Needs `forward_auth:read`.")
    public Uni<PolicyResponse> get(@RestPath UUID workspaceId, @RestPath UUID policyId) {
        return policies.get(workspaceId, policyId);
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{policyId}")
    @PermissionsAllowed(value = Permissions.FORWARD_AUTH_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "updateForwardAuthPolicy", summary = "Update a forward-auth policy",
            description = "Needs `forward_auth:write`. Gateways are judged by the new rules from their next request.")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdatePolicyRequest.class)))
    @APIResponse(responseCode = "200", description = "The policy as changed",
            content = @Content(schema = @Schema(implementation = PolicyResponse.class)))
    @APIResponse(responseCode = "422", description = "`unknown_scope` or `unprocessable`, as for create")
    public Uni<PolicyResponse> update(@RestPath UUID workspaceId, @RestPath UUID policyId, JsonNode body) {
        return policies.update(workspaceId, policyId, bodies.patch(body, UpdatePolicyRequest.class))
                .invoke(policy -> policies.evictHere(policyId));
    }

    @DELETE
    @Path("/{policyId}")
    @PermissionsAllowed(value = Permissions.FORWARD_AUTH_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "deleteForwardAuthPolicy", summary = "Delete a forward-auth policy",
            description = "Needs `forward_auth:write`. From then on its forward-auth URL answers 404 (the gateway "
                    + "then refuses every request it guards).")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<RestResponse<Void>> delete(@RestPath UUID workspaceId, @RestPath UUID policyId) {
        return policies.delete(workspaceId, policyId).invoke(() -> policies.evictHere(policyId))
                .map(ignored -> RestResponse.noContent());
    }
}
