package io.keyplane.workspace;

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
import io.keyplane.common.Page;
import io.keyplane.common.PageRequest;
import io.keyplane.common.SecretResponse;
import io.keyplane.key.KeyFactsCache;
import io.keyplane.key.Permissions;
import io.keyplane.workspace.WorkspaceDtos.CreateWorkspaceRequest;
import io.keyplane.workspace.WorkspaceDtos.CreatedWorkspaceResponse;
import io.keyplane.workspace.WorkspaceDtos.UpdateWorkspaceRequest;
import io.keyplane.workspace.WorkspaceDtos.WorkspaceResponse;
import io.quarkus.security.PermissionsAllowed;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

@Produces(MediaType.APPLICATION_JSON)
@Path("/api/v1/workspaces")
@Tag(name = "Workspaces", description = "Tenants: every service account, scope, key and audit event belongs to one")
public class WorkspaceResource {

    private final WorkspaceService workspaces;
    private final ChangeFeed changes;
    private final JsonBodies bodies;
    private final SecurityIdentity identity;

    @Inject
    WorkspaceResource(WorkspaceService workspaces, ChangeFeed changes, JsonBodies bodies, SecurityIdentity identity) {
        this.workspaces = workspaces;
        this.changes = changes;
        this.bodies = bodies;
        this.identity = identity;
    }

    @POST
    @SecretResponse
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed(Permissions.OPERATOR)
    @Operation(operationId = "createWorkspace", summary = "Create a workspace (operator only)",
            description = "Also creates the `owner` service account with `workspace:admin` and its first ServiceKey, "
                    + "returned once in `bootstrap.key`.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = CreatedWorkspaceResponse.class)))
    public Uni<RestResponse<CreatedWorkspaceResponse>> create(@Valid @NotNull CreateWorkspaceRequest body,
            @Context UriInfo uri) {
        return workspaces.create(body.name())
                .map(w -> RestResponse.ResponseBuilder.<CreatedWorkspaceResponse>created(
                        uri.getAbsolutePathBuilder().path(w.id().toString()).build()).entity(w).build());
    }

    @GET
    @PermissionsAllowed(Permissions.ANY_SERVICE_KEY)
    @Operation(operationId = "listWorkspaces",
            summary = "List workspaces", description = "The operator sees all (newest first, paged by `cursor` "
            + "with a `Link: rel=\"next\"` header); a ServiceKey sees its own.")
    public Uni<RestResponse<List<WorkspaceResponse>>> list(@RestQuery String limit, @RestQuery String cursor,
            @Context UriInfo uri) {
        var page = PageRequest.of(limit, cursor);
        var caller = Caller.of(identity);
        return (caller.isOperator() ? workspaces.list(page)
                : workspaces.get(caller.workspaceId()).map(w -> new Page<>(List.of(w), null)))
                .map(p -> p.toResponse(uri));
    }

    @GET
    @Path("/{workspaceId}")
    @PermissionsAllowed(value = Permissions.MEMBER, permission = WorkspacePermission.class)
    @Operation(operationId = "getWorkspace",
            summary = "Get a workspace", description = "Any ServiceKey of the workspace, or the operator.")
    public Uni<WorkspaceResponse> get(@RestPath UUID workspaceId) {
        return workspaces.get(workspaceId);
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{workspaceId}")
    @PermissionsAllowed(value = Permissions.WORKSPACE_ADMIN, permission = WorkspacePermission.class)
    @Operation(operationId = "updateWorkspace",
            summary = "Update a workspace", description = "Needs `workspace:admin`. Its name, how long its keys may "
                    + "live (`max_key_lifetime_days`) and what a leak report does to a key (`leak_action`).")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateWorkspaceRequest.class)))
    public Uni<WorkspaceResponse> update(@RestPath UUID workspaceId, JsonNode body) {
        return workspaces.update(workspaceId, bodies.patch(body, UpdateWorkspaceRequest.class));
    }

    @DELETE
    @Path("/{workspaceId}")
    @PermissionsAllowed(Permissions.OPERATOR)
    @Operation(operationId = "deleteWorkspace", summary = "Delete a workspace (operator only)",
            description = "Soft delete: status becomes `deleted`, every key in it stops authenticating at once, "
                    + "the audit log is kept. Returns the deleted workspace.")
    public Uni<WorkspaceResponse> delete(@RestPath UUID workspaceId) {
        return workspaces.delete(workspaceId).invoke(w -> changes.evictHere(KeyFactsCache.changeOfWorkspace(w.id())));
    }
}
