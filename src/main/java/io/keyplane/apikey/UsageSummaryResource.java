package io.keyplane.apikey;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.keyplane.auth.WorkspacePermission;
import io.keyplane.key.Permissions;
import io.keyplane.usage.UsageDtos.WorkspaceUsageSummary;
import io.keyplane.usage.UsageSummaries;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/workspaces/{workspaceId}/usage/summary")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API keys")
public class UsageSummaryResource {

    private final UsageSummaries summaries;

    @Inject
    UsageSummaryResource(UsageSummaries summaries) {
        this.summaries = summaries;
    }

    @GET
    @PermissionsAllowed(value = Permissions.KEYS_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "summarizeWorkspaceUsage", summary = "Usage of a workspace's keys over time",
            description = "Needs `keys:read`. As the key's summary, for all of the workspace's keys, plus the ten "
                    + "keys most used in the range (`top_keys`).")
    public Uni<WorkspaceUsageSummary> summary(@RestPath UUID workspaceId,
            @RestQuery @Schema(format = "date-time", maxLength = 35) String from,
            @RestQuery @Schema(format = "date-time", maxLength = 35) String to,
            @RestQuery @Schema(enumeration = { "hour", "day" }) String granularity) {
        return summaries.ofWorkspace(workspaceId, summaries.range(from, to, granularity));
    }
}
