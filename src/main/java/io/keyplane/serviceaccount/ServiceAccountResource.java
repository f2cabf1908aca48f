package io.keyplane.serviceaccount;

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
import io.keyplane.changes.ChangeFeed;
import io.keyplane.common.JsonBodies;
import io.keyplane.common.PageRequest;
import io.keyplane.key.KeyFactsCache;
import io.keyplane.key.Permissions;
import io.keyplane.serviceaccount.ServiceAccountDtos.CreateServiceAccountRequest;
import io.keyplane.serviceaccount.ServiceAccountDtos.ServiceAccountResponse;
import io.keyplane.serviceaccount.ServiceAccountDtos.UpdateServiceAccountRequest;
import io.quarkus.security.PermissionsAllowed;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/workspaces/{workspaceId}/service-accounts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Service accounts", description = "Identities that own keys; a key never exceeds its account")
public class ServiceAccountResource {

    private final ServiceAccountService accounts;
    private final JsonBodies bodies;
    private final ChangeFeed changes;
    private final SecurityIdentity identity;

    @Inject
    ServiceAccountResource(ServiceAccountService accounts, JsonBodies bodies, ChangeFeed changes,
            SecurityIdentity identity) {
        this.accounts = accounts;
        this.bodies = bodies;
        this.changes = changes;
        this.identity = identity;
    }

    @GET
    @PermissionsAllowed(value = Permissions.SERVICE_ACCOUNTS_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "listServiceAccounts",
            summary = "List service accounts", description = "Needs `service_accounts:read`. Newest first; "
            + "`limit` 1-200 (default 50), next page in the `Link: rel=\"next\"` header.")
    public Uni<RestResponse<List<ServiceAccountResponse>>> list(@RestPath UUID workspaceId, @RestQuery String limit,
            @RestQuery String cursor, @Context UriInfo uri) {
        var page = PageRequest.of(limit, cursor);
        return accounts.list(workspaceId, page).map(p -> p.toResponse(uri));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed(value = Permissions.SERVICE_ACCOUNTS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "createServiceAccount",
            summary = "Create a service account", description = "Needs `service_accounts:write`, and to grant a "
            + "management permission the caller must hold it.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = ServiceAccountResponse.class)))
    @APIResponse(responseCode = "422", description = "`unknown_scope`: a scope not in the catalog")
    public Uni<RestResponse<ServiceAccountResponse>> create(@RestPath UUID workspaceId,
            @Valid @NotNull CreateServiceAccountRequest body, @Context UriInfo uri) {
        return accounts.create(workspaceId, body, Caller.of(identity))
                .map(sa -> RestResponse.ResponseBuilder.<ServiceAccountResponse>created(
                        uri.getAbsolutePathBuilder().path(sa.id().toString()).build()).entity(sa).build());
    }

    @GET
    @Path("/{serviceAccountId}")
    @PermissionsAllowed(value = Permissions.SERVICE_ACCOUNTS_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "getServiceAccount",
            summary = "Get a service account", description = "Needs `service_accounts:read`.")
    public Uni<ServiceAccountResponse> get(@RestPath UUID workspaceId, @RestPath UUID serviceAccountId) {
        return accounts.get(workspaceId, serviceAccountId);
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{serviceAccountId}")
    @PermissionsAllowed(value = Permissions.SERVICE_ACCOUNTS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "updateServiceAccount",
            summary = "Update a service account", description = "Needs `service_accounts:write`, and the caller must "
            + "hold the management permissions the account holds and any it grants.")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateServiceAccountRequest.class)))
    @APIResponse(responseCode = "200", description = "The account as changed",
            content = @Content(schema = @Schema(implementation = ServiceAccountResponse.class)))
    @APIResponse(responseCode = "422", description = "`unknown_scope`")
    public Uni<ServiceAccountResponse> update(@RestPath UUID workspaceId, @RestPath UUID serviceAccountId,
            JsonNode body) {
        return accounts.update(workspaceId, serviceAccountId, bodies.patch(body, UpdateServiceAccountRequest.class),
                Caller.of(identity))
                .invoke(sa -> changes.evictHere(KeyFactsCache.changeOfAccount(sa.id())));
    }

    @DELETE
    @Path("/{serviceAccountId}")
    @PermissionsAllowed(value = Permissions.SERVICE_ACCOUNTS_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "deleteServiceAccount",
            summary = "Delete a service account", description = "Needs `service_accounts:write` (and the "
            + "management permissions the account holds). Revokes every key of the account; returns the account with "
            + "status `deleted`.")
    public Uni<ServiceAccountResponse> delete(@RestPath UUID workspaceId, @RestPath UUID serviceAccountId) {
        return accounts.delete(workspaceId, serviceAccountId, Caller.of(identity))
                .invoke(sa -> changes.evictHere(KeyFactsCache.changeOfAccount(sa.id())));
    }
}
