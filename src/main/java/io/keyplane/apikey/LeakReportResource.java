package io.keyplane.apikey;

import java.util.List;
import java.util.Set;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyplane.auth.ClientAddresses;
import io.keyplane.common.Digests;
import io.keyplane.common.KeyplaneException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

@Path("/api/v1/keys/leaked")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Leaked keys", description = "Report keys found where they should not be: they stop working at once")
public class LeakReportResource {

    static final String GITHUB_KEY_IDENTIFIER = "Github-Public-Key-Identifier";
    static final String GITHUB_SIGNATURE = "Github-Public-Key-Signature";

    @RegisterForReflection
    @Schema(name = "LeakReportReceipt", description = "How many keys the report named; never which of them existed")
    public record Receipt(@Schema(minimum = "1", maximum = "1000") int received) {
    }

    /** GitHub secret scanning's feedback on one reported token. */
    @RegisterForReflection
    @Schema(name = "LeakFeedback", description = "GitHub secret scanning's feedback on one token: `true_positive` "
            + "when it is a key Keyplane issued (in any state), else `false_positive`")
    public record Feedback(
            @Schema(description = "SHA-256 of the token, hex", maxLength = 64, pattern = "^[0-9a-f]{64}$") String tokenHash,
            @Schema(description = "The type GitHub sent with the token", maxLength = 2048, nullable = true,
                    pattern = "^[ -~]*$") String tokenType,
            @Schema(enumeration = { "true_positive", "false_positive" }, maxLength = 14) String label) {
    }

    @Schema(name = "LeakReport", description = "`keys`: 1 to 1000 leaked keys; `source`: where they were found. "
            + "GitHub secret scanning's array of `{token, type, url, source}` is accepted as well.")
    public record ReportBody(@Size(min = 1, max = 1000)
            @Schema(example = "[\"kp_live_0cPj4yQYbS1f2tM7hWq3Xr9LzK5vN8aB6dE1gH2iJ3k4Lm5N\"]")
            List<@Size(max = LeakReports.MAX_KEY_LENGTH) String> keys,
            @Schema(maxLength = 2048, example = "https://github.com/acme/app/blob/main/.env") String source) {
    }

    private final LeakReports reports;
    private final GithubScanningKeys github;
    private final ClientAddresses addresses;
    private final ObjectMapper json;

    @Inject
    LeakReportResource(LeakReports reports, GithubScanningKeys github, ClientAddresses addresses, ObjectMapper json) {
        this.reports = reports;
        this.github = github;
        this.addresses = addresses;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermitAll // whoever holds a leaked key proves it by sending it
    @SecurityRequirements
    @Operation(operationId = "reportLeakedKeys", summary = "Report leaked keys",
            description = "Needs no credential. Each well-formed key that exists and still works (active, paused, or "
                    + "inside a rotation's grace period) is revoked, or paused where its workspace's `leak_action` "
                    + "is `pause`, before the answer; each gets an `api_key.leaked` audit event naming the source. "
                    + "An unsigned report is 202 whichever keys existed. At most `KEYPLANE_LEAK_REPORT_LIMIT` (30) "
                    + "reports a minute from one address (IPv6: one /64; per replica) that name a well-formed key; "
                    + "reports naming none cost nothing and do not count. A report signed by GitHub secret scanning "
                    + "(`Github-Public-Key-Identifier` and `Github-Public-Key-Signature`: ECDSA P-256 with SHA-256 "
                    + "over the raw body, checked against `KEYPLANE_GITHUB_SCANNING_KEYS_URL`) is never throttled and "
                    + "answers 200 with GitHub's feedback array; a bad signature is 401 `invalid_signature`. Bodies "
                    + "are limited to 64 KiB: about 300 GitHub entries; GitHub splits larger batches.")
    @RequestBody(content = @Content(schema = @Schema(implementation = ReportBody.class)))
    @APIResponse(responseCode = "200", description = "A signed report: GitHub's feedback, one entry per token",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Feedback.class, maxItems = 1000)))
    @APIResponse(responseCode = "202", description = "Received",
            content = @Content(schema = @Schema(implementation = Receipt.class)))
    @APIResponse(responseCode = "401", description = "`invalid_signature`: the GitHub signature headers are "
            + "incomplete, name an unknown key, or do not match the body")
    public Uni<RestResponse<Object>> report(byte[] body,
            @Parameter(name = GITHUB_KEY_IDENTIFIER, in = ParameterIn.HEADER,
                    description = "GitHub secret scanning: the signing key's identifier",
                    schema = @Schema(type = SchemaType.STRING, maxLength = 128, pattern = "^[0-9a-fA-F]+$"))
            @RestHeader(GITHUB_KEY_IDENTIFIER) String keyIdentifier,
            @Parameter(name = GITHUB_SIGNATURE, in = ParameterIn.HEADER,
                    description = "GitHub secret scanning: base64 of the DER ECDSA signature",
                    schema = @Schema(type = SchemaType.STRING, maxLength = 256, pattern = "^[A-Za-z0-9+/=]+$"))
            @RestHeader(GITHUB_SIGNATURE) String signature,
            RoutingContext rc) {
        if (keyIdentifier != null || signature != null) {
            return github.verify(keyIdentifier, signature, body)
                    .map(verified -> LeakReports.parse(read(body)))
                    .chain(report -> reports.handle(report).map(found -> RestResponse.ok(feedback(report, found))));
        }
        var report = LeakReports.parse(read(body));
        reports.admit(addresses.of(rc), report);
        return reports.handle(report).map(ignored -> RestResponse.status(RestResponse.Status.ACCEPTED,
                new Receipt(report.leaks().size())));
    }

    private JsonNode read(byte[] body) {
        try {
            return body == null || body.length == 0 ? null : json.readTree(body);
        } catch (java.io.IOException e) {
            throw KeyplaneException.validation("body", "malformed JSON");
        }
    }

    private static Object feedback(LeakReports.Report report, Set<String> found) {
        return report.leaks().stream().map(leak -> new Feedback(Digests.sha256Hex(leak.key()), leak.type(),
                found.contains(leak.key()) ? "true_positive" : "false_positive")).toList();
    }
}
