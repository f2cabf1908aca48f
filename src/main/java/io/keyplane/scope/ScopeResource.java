package io.keyplane.scope;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import io.keyplane.auth.WorkspacePermission;
import io.keyplane.common.KeyplaneConfig;
import io.keyplane.key.Permissions;
import io.keyplane.scope.ScopeDtos.CreateScopeRequest;
import io.keyplane.scope.ScopeDtos.ScopeResponse;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/workspaces/{workspaceId}/scopes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Scopes", description = "The workspace's permission catalog: built-in management permissions plus its own")
public class ScopeResource {

    /** The default cap on custom scopes, plus the built-in ones ({@code Permissions.BUILT_IN}; a test holds the sum). */
    static final int MAX_LISTED = KeyplaneConfig.Limit.DEFAULT_SCOPES + 12;

    private final ScopeService scopes;

    @Inject
    ScopeResource(ScopeService scopes) {
        this.scopes = scopes;
    }

    @GET
    @PermissionsAllowed(value = Permissions.MEMBER, permission = WorkspacePermission.class)
    @Operation(operationId = "listScopes",
            summary = "List scopes", description = "Built-in permissions first, then the workspace's own by name. "
            + "Any ServiceKey of the workspace may read it. One unpaged list: a workspace has at most "
            + "`KEYPLANE_LIMIT_SCOPES` scopes of its own (default 1000; `maxItems` adds the built-in ones).")
    @APIResponse(responseCode = "200", description = "The catalog", content = @Content(schema = @Schema(
            type = SchemaType.ARRAY, implementation = ScopeResponse.class, maxItems = MAX_LISTED)))
    public Uni<List<ScopeResponse>> list(@RestPath UUID workspaceId) {
        return scopes.list(workspaceId);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed(value = Permissions.SCOPES_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "createScope",
            summary = "Create a scope", description = "Needs `scopes:write`. Names match "
            + "`^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$`.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = ScopeResponse.class)))
    @APIResponse(responseCode = "409", description = "`scope_exists`: the name is taken or built in")
    @APIResponse(responseCode = "422", description = "`limit_exceeded`: the workspace has `KEYPLANE_LIMIT_SCOPES` "
            + "scopes of its own already (default 1000; the problem's `limit`)")
    public Uni<RestResponse<ScopeResponse>> create(@RestPath UUID workspaceId, @Valid @NotNull CreateScopeRequest body) {
        return scopes.create(workspaceId, body.name(), body.description())
                .map(s -> RestResponse.status(RestResponse.Status.CREATED, s));
    }

    @DELETE
    @Path("/{name}")
    @PermissionsAllowed(value = Permissions.SCOPES_WRITE, permission = WorkspacePermission.class)
    @Operation(operationId = "deleteScope",
            summary = "Delete a scope", description = "Needs `scopes:write`. Built-in scopes and scopes still "
            + "granted to a service account or key cannot be deleted.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "`not_found`")
    @APIResponse(responseCode = "409", description = "`scope_in_use` or `scope_built_in`")
    public Uni<RestResponse<Void>> delete(@RestPath UUID workspaceId,
            @RestPath @Schema(maxLength = Permissions.MAX_NAME_LENGTH, pattern = "^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$")
            String name) {
        return scopes.delete(workspaceId, name).map(ignored -> RestResponse.noContent());
    }
}
