package io.keyplane.audit;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.RestStreamElementType;

import io.keyplane.audit.AuditDtos.AuditEventResponse;
import io.keyplane.audit.AuditDtos.AuditVerification;
import io.keyplane.audit.AuditQueries.ExportQuery;
import io.keyplane.audit.AuditQueries.ListQuery;
import io.keyplane.auth.WorkspacePermission;
import io.keyplane.key.Permissions;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/workspaces/{workspaceId}/audit-log")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit log", description = "Every change and every denied management call of a workspace, hash-chained")
public class AuditLogResource {

    static final String NDJSON = "application/x-ndjson";

    private final AuditService audit;

    @Inject
    AuditLogResource(AuditService audit) {
        this.audit = audit;
    }

    @GET
    @PermissionsAllowed(value = Permissions.AUDIT_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "listAuditEvents",
            summary = "List audit events", description = "Needs `audit:read`. A bare array, newest first (`seq` "
            + "descending). Filters, all exact and combinable: `action` (e.g. `api_key.revoke`, `access.denied`), "
            + "`actor_id` (a service account id or `operator`), `target_id`, `outcome` (`success` or `denied`), "
            + "`since` (inclusive) and `until` (exclusive) as RFC 3339 timestamps. `limit` 1-200 (default 50); the "
            + "next page is in the `Link: <...>; rel=\"next\"` header. `changes` maps each changed field to "
            + "`[before, after]`. A management call refused with 403 is `access.denied` (outcome `denied`) on target "
            + "`{type: request, id: <path>}`, with the refusal `code` and the HTTP `method` in `changes`; it is "
            + "logged in the workspace of the key that made it, never in the workspace the path names.")
    public Uni<RestResponse<List<AuditEventResponse>>> list(@RestPath UUID workspaceId, @BeanParam ListQuery query,
            @Context UriInfo uri) {
        var checked = query.checked();
        return audit.list(workspaceId, checked.filter(), checked.page()).map(p -> p.toResponse(uri));
    }

    @GET
    @Path("/verify")
    @PermissionsAllowed(value = Permissions.AUDIT_READ, permission = WorkspacePermission.class)
    @Operation(operationId = "verifyAuditChain",
            summary = "Verify the audit hash chain", description = "Needs `audit:read`. Recomputes every event's "
            + "hash in `seq` order and checks that each `prev_hash` is the previous event's `hash` (\"\" for seq 1), "
            + "that `seq` runs 1, 2, 3, ... without gaps, and that the last event is the workspace's recorded head "
            + "(so a deleted tail is caught). Incremental: it walks the events since the last successful verification "
            + "(a checkpoint the audit key signs); `full=true` walks them all. `from_seq` and `to_seq` say which "
            + "range it recomputed. A log that now ends before the checkpoint (a cut tail, head moved back) is "
            + "invalid, and so is any event of key version 0 (an unkeyed hash anyone could compute). Answers "
            + "`{\"valid\": true, \"events\": N, \"head\": \"<hash of the last event>\", \"from_seq\": F, \"to_seq\": T}` "
            + "or `{\"valid\": false, \"events\": N, \"first_bad_seq\": S, \"reason\": \"...\", \"from_seq\": F, "
            + "\"to_seq\": T}`; both are 200. It reads up to the head of the moment it starts, in short batches, so concurrent appends do not "
            + "disturb it; at most two run at once per replica (else 503 with Retry-After).")
    public Uni<AuditVerification> verify(@RestPath UUID workspaceId,
            @RestQuery @Parameter(description = "true: walk the whole chain again, not only what came since the last "
                    + "verification") boolean full) {
        return audit.verify(workspaceId, full);
    }

    @GET
    @Path("/export")
    @PermissionsAllowed(value = Permissions.AUDIT_READ, permission = WorkspacePermission.class)
    @Produces(NDJSON)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(operationId = "exportAuditLog",
            summary = "Export the audit log as JSON Lines", description = "Needs `audit:read`. For archiving: "
            + "one event per line (the same object as the list), oldest first, streamed. `from_seq` (default 1) and "
            + "`to_seq` (default: the last event when the export starts) bound it, both inclusive. Keep the last "
            + "`seq` you archived and continue with `from_seq` = that + 1; `GET .../verify` proves the chain. "
            + "Media type `application/x-ndjson` (send that `Accept`, or none).")
    @APIResponse(responseCode = "200", description = "JSON Lines", content = @Content(mediaType = NDJSON,
            schema = @Schema(implementation = AuditEventResponse.class)))
    public Multi<AuditEventResponse> export(@RestPath UUID workspaceId, @BeanParam ExportQuery query) {
        var range = query.range();
        // a missing workspace fails the Uni before the first line is written: still a problem+json response
        return RestMulti.fromUniResponse(audit.export(workspaceId, range.from(), range.to()), events -> events);
    }
}
