package io.keyplane.verify;

import java.time.Clock;
import java.time.Instant;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.keyplane.auth.Caller;
import io.keyplane.verify.VerifyDtos.WhoamiResponse;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.NonBlocking;

@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Path("/api/v1/whoami")
@Tag(name = "Verification")
public class WhoamiResource {

    private final SecurityIdentity identity;
    private final Clock clock;

    @Inject
    WhoamiResource(SecurityIdentity identity, Clock clock) {
        this.identity = identity;
        this.clock = clock;
    }

    @GET
    @Authenticated
    @NonBlocking // no I/O here: the event loop answers
    @Operation(operationId = "whoami", summary = "Who am I (test connection)",
            description = "Any valid key of any kind, or the operator token: what the credential is and may do.")
    public WhoamiResponse whoami() {
        var caller = Caller.of(identity);
        if (caller.isOperator()) {
            return new WhoamiResponse("operator", null, null, null, null, null, null, "active");
        }
        var key = caller.key();
        Instant now = clock.instant();
        return new WhoamiResponse(key.kind().wireName(), key.keyId(), key.keyPrefix(), key.workspaceId(),
                key.serviceAccountId(), key.effectiveScopes(), key.expiresAt(), key.statusAt(now));
    }
}
