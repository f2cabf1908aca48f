package io.keyplane.verify;

import jakarta.inject.Inject;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.keyplane.auth.CallerUseNotRecorded;
import io.keyplane.auth.RequestCredentials;
import io.keyplane.common.RequestIds;
import io.keyplane.key.Permissions;
import io.keyplane.verify.VerifyDtos.VerifyFailure;
import io.keyplane.verify.VerifyDtos.VerifyRequest;
import io.keyplane.verify.VerifyDtos.VerifyResponse;
import io.quarkus.security.PermissionsAllowed;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

@Path(VerifyResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Verification", description = "The hot path gateways call on every request of their own users")
public class VerifyResource {

    static final String PATH = "/api/v1/keys/verify";

    private final VerifyService verifier;

    @Inject
    VerifyResource(VerifyService verifier) {
        this.verifier = verifier;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @PermissionsAllowed(Permissions.KEYS_VERIFY)
    @CallerUseNotRecorded
    @Operation(operationId = "verifyKey",
            summary = "Verify a key", description = "Needs a ServiceKey with `keys:verify` (or the operator). "
            + "Always 200 for a well-formed request; `code` says why a key is not valid. A key of another workspace "
            + "than the verifier's is NOT_FOUND. A key with `allowed_cidrs` needs `source_ip`. Every verification "
            + "updates the key's `last_used_at` and usage history (asynchronously, within about a second). A key with "
            + "credits spends `cost` of them on a VALID use (after the rate limit passed); too few left is "
            + "USAGE_EXCEEDED and nothing is spent. While the database cannot be reached, keys this replica has "
            + "cached keep verifying (for at most the cache TTL) and any other key is 503, never NOT_FOUND.")
    @APIResponse(responseCode = "200", description = "VALID or INSUFFICIENT_SCOPE carry the key's details; other "
            + "codes only `valid` and `code` (RATE_LIMITED adds `rate_limit`, USAGE_EXCEEDED `credits`)", content = @Content(schema = @Schema(
                    oneOf = { VerifyResponse.class, VerifyFailure.class })))
    public Uni<Object> verify(@RequestBody(required = true) VerifyRequest body, RoutingContext rc) {
        // validated by the service (cheaply when plainly valid); the caller is the one authentication put on the
        // request, without the SecurityIdentity proxy: this is the hot path
        return verifier.verify(body, RequestCredentials.caller(rc), RequestIds.of(rc.request()));
    }
}
