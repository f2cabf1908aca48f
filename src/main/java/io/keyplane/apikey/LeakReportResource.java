package io.keyplane.apikey;

import jakarta.annotation.security.PermitAll;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import io.keyplane.credential.ClientAddresses;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

@Path("/api/v1/keys/leaked")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Leaked keys", description = "Report keys found where they should not be: they stop working at once")
public class LeakReportResource {

    @Schema(name = "LeakReportReceipt", description = "How many keys the report named; never which of them existed")
    public record Receipt(@Schema(minimum = "1", maximum = "1000") int received) {
    }

    @Schema(name = "LeakReport", description = "`keys`: 1 to 1000 leaked keys; `source`: where they were found. "
            + "GitHub secret scanning's array of `{token, type, url, source}` is accepted as well.")
    public record ReportBody(@Size(min = 1, max = 1000)
            @Schema(example = "[\"kp_live_0cPj4yQYbS1f2tM7hWq3Xr9LzK5vN8aB6dE1gH2iJ3k4Lm5N\"]")
            List<@Size(max = LeakReports.MAX_KEY_LENGTH) String> keys,
            @Schema(maxLength = 2048, example = "https://github.com/acme/app/blob/main/.env") String source) {
    }

    private final LeakReports reports;
    private final ClientAddresses addresses;

    @Inject
    LeakReportResource(LeakReports reports, ClientAddresses addresses) {
        this.reports = reports;
        this.addresses = addresses;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermitAll // whoever holds a leaked key proves it by sending it
    @SecurityRequirements
    @Operation(operationId = "reportLeakedKeys", summary = "Report leaked keys",
            description = "Needs no credential. Each well-formed key that exists and still works (active, paused, or "
                    + "inside a rotation's grace period) is revoked, or paused where its workspace's `leak_action` "
                    + "is `pause`, before the answer; each gets an `api_key.leaked` audit event naming the source. "
                    + "Every well-formed report is 202, whichever keys existed. At most `KEYPLANE_LEAK_REPORT_LIMIT` "
                    + "(30) reports a minute from one address (per replica). Bodies are limited to 64 KiB: about 300 "
                    + "GitHub entries; GitHub splits larger batches.")
    @RequestBody(content = @Content(schema = @Schema(implementation = ReportBody.class)))
    @APIResponse(responseCode = "202", description = "Received",
            content = @Content(schema = @Schema(implementation = Receipt.class)))
    public Uni<RestResponse<Receipt>> report(JsonNode body, RoutingContext rc) {
        reports.admit(addresses.of(rc));
        var report = LeakReports.parse(body);
        return reports.handle(report)
                .map(ignored -> RestResponse.status(RestResponse.Status.ACCEPTED, new Receipt(report.leaks().size())));
    }
}
