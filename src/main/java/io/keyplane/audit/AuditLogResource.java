package io.keyplane.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
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
import io.keyplane.auth.WorkspacePermission;
import io.keyplane.common.FieldError;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.PageRequest;
import io.keyplane.key.Permissions;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/workspaces/{workspaceId}/audit-log")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit log", description = "Every change and every denied management call of a workspace, hash-chained")
public class AuditLogResource {

    static final String NDJSON = "application/x-ndjson";
    private static final List<String> OUTCOMES = List.of("success", "denied");

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
    public Uni<RestResponse<List<AuditEventResponse>>> list(@RestPath UUID workspaceId,
            @RestQuery @Schema(maxLength = 64, pattern = "^[a-z_]+\\.[a-z_]+$") String action,
            @RestQuery("actor_id") @Schema(maxLength = 36, pattern = "^([0-9a-fA-F-]{36}|operator)$") String actorId,
            @RestQuery("target_id") @Schema(maxLength = 255) String targetId,
            @RestQuery @Schema(enumeration = { "success", "denied" }) String outcome,
            @RestQuery @Parameter(description = "RFC 3339, inclusive", example = "2026-01-15T09:30:00Z",
                    schema = @Schema(type = SchemaType.STRING, format = "date-time", maxLength = 35)) String since,
            @RestQuery @Parameter(description = "RFC 3339, exclusive", example = "2026-01-16T00:00:00Z",
                    schema = @Schema(type = SchemaType.STRING, format = "date-time", maxLength = 35)) String until,
            @RestQuery String limit, @RestQuery String cursor, @Context UriInfo uri) {
        var errors = new ArrayList<FieldError>();
        var page = collect(errors, () -> {
            var request = PageRequest.of(limit, cursor);
            if (request.hasCursor()) {
                request.afterLong(); // a cursor of another list is refused here, not after the query starts
            }
            return request;
        });
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            errors.add(new FieldError("outcome", "must be one of " + OUTCOMES));
        }
        var from = timestamp(errors, "since", since);
        var to = timestamp(errors, "until", until);
        if (from != null && to != null && from.isAfter(to)) {
            errors.add(new FieldError("since", "must not be after until"));
        }
        if (!errors.isEmpty()) {
            throw KeyplaneException.validation(errors);
        }
        var filter = new AuditRepository.Filter(action, actorId, targetId, outcome, from, to);
        return audit.list(workspaceId, filter, page).map(p -> p.toResponse(uri));
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
    public Multi<AuditEventResponse> export(@RestPath UUID workspaceId,
            @RestQuery("from_seq") @Parameter(description = "First seq, inclusive; default 1", schema = @Schema(
                    type = SchemaType.INTEGER, format = "int64", minimum = "1", maximum = "9223372036854775807")) String fromSeq,
            @RestQuery("to_seq") @Parameter(description = "Last seq, inclusive; default the head", schema = @Schema(
                    type = SchemaType.INTEGER, format = "int64", minimum = "1", maximum = "9223372036854775807")) String toSeq) {
        var errors = new ArrayList<FieldError>();
        var from = seq(errors, "from_seq", fromSeq);
        var to = seq(errors, "to_seq", toSeq);
        if (from != null && to != null && from > to) {
            errors.add(new FieldError("from_seq", "must not be greater than to_seq"));
        }
        if (!errors.isEmpty()) {
            throw KeyplaneException.validation(errors);
        }
        // a missing workspace fails the Uni before the first line is written: still a problem+json response
        return RestMulti.fromUniResponse(audit.export(workspaceId, from == null ? 1 : from, to), events -> events);
    }

    private static <T> T collect(List<FieldError> errors, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (KeyplaneException e) {
            if (e.errors() == null) {
                throw e;
            }
            errors.addAll(e.errors());
            return null;
        }
    }

    /** RFC 3339: a date, a time and a UTC offset ({@code Z} or {@code ±hh:mm}); lower-case t and z are allowed. */
    private static Instant timestamp(List<FieldError> errors, String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim().toUpperCase(Locale.ROOT)).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be an RFC 3339 timestamp, e.g. 2026-01-15T09:30:00Z"));
            return null;
        }
    }

    private static Long seq(List<FieldError> errors, String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError(field, "must be a positive integer"));
        return null;
    }
}
