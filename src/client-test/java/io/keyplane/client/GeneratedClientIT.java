package io.keyplane.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.keyplane.client.api.ApiKeysApi;
import io.keyplane.client.api.AuditLogApi;
import io.keyplane.client.api.ScopesApi;
import io.keyplane.client.api.ServiceAccountsApi;
import io.keyplane.client.api.VerificationApi;
import io.keyplane.client.api.WorkspacesApi;
import io.keyplane.client.model.ApiKey;
import io.keyplane.client.model.AuditEvent;
import io.keyplane.client.model.CreateApiKeyRequest;
import io.keyplane.client.model.CreateScopeRequest;
import io.keyplane.client.model.CreateServiceAccountRequest;
import io.keyplane.client.model.CreateWorkspaceRequest;
import io.keyplane.client.model.RotateApiKeyRequest;
import io.keyplane.client.model.VerifyFailure;
import io.keyplane.client.model.VerifyRequest;
import io.keyplane.client.model.VerifyResponse;
import io.keyplane.support.FreshDatabaseResource;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;

/**
 * The Java client generated from the document the build stored (openapi-generator, library {@code native}) runs a
 * key's whole life against the packaged application, using nothing but that client.
 */
@QuarkusIntegrationTest
@WithTestResource(FreshDatabaseResource.class)
class GeneratedClientIT {

    static ApiClient as(String token) {
        var client = new ApiClient();
        client.updateBaseUri("http://localhost:" + RestAssured.port); // the port the test framework started it on
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        return client;
    }

    @Test
    void aKeysWholeLifeThroughTheGeneratedClient() throws ApiException {
        var created = new WorkspacesApi(as(TestWorkspace.OPERATOR))
                .createWorkspace(new CreateWorkspaceRequest().name("generated client " + System.nanoTime()));
        UUID ws = created.getId();
        var owner = as(created.getBootstrap().getKey());

        new ScopesApi(owner).createScope(ws, new CreateScopeRequest().name("reports:read").description("Read reports"));
        var account = new ServiceAccountsApi(owner).createServiceAccount(ws,
                new CreateServiceAccountRequest().name("reporting").scopes(List.of("reports:read")));

        var keys = new ApiKeysApi(owner);
        ApiKey key = keys.createApiKey(ws, new CreateApiKeyRequest().name("reports").serviceAccountId(account.getId())
                .scopes(List.of("reports:read")).tier(CreateApiKeyRequest.TierEnum.FREE), null);
        assertTrue(key.getKey().startsWith("kp_live_"));
        assertEquals(ApiKey.StatusEnum.ACTIVE, key.getStatus());

        var verification = new VerificationApi(owner);
        var valid = assertInstanceOf(VerifyResponse.class,
                verification.verifyKey(new VerifyRequest().key(key.getKey()).scopes(List.of("reports:read"))).getActualInstance());
        assertEquals(VerifyResponse.CodeEnum.VALID, valid.getCode());
        assertEquals(key.getId(), valid.getKeyId());
        assertEquals(100, valid.getRateLimit().getLimit());

        assertEquals(ApiKey.StatusEnum.PAUSED, keys.pauseApiKey(key.getId(), ws).getStatus());
        assertEquals(VerifyFailure.CodeEnum.PAUSED, assertInstanceOf(VerifyFailure.class,
                verification.verifyKey(new VerifyRequest().key(key.getKey())).getActualInstance()).getCode());
        assertEquals(ApiKey.StatusEnum.ACTIVE, keys.resumeApiKey(key.getId(), ws).getStatus());

        ApiKey next = keys.rotateApiKey(key.getId(), ws, new RotateApiKeyRequest().gracePeriodSeconds(0));
        assertNotEquals(key.getKey(), next.getKey());
        assertEquals(key.getId(), next.getRotatedFrom());
        assertEquals(VerifyFailure.CodeEnum.REVOKED, assertInstanceOf(VerifyFailure.class,
                verification.verifyKey(new VerifyRequest().key(key.getKey())).getActualInstance()).getCode());

        assertEquals("revoked", keys.revokeApiKey(next.getId(), ws).getStatus().getValue());
        assertEquals(ApiKey.StatusEnum.REVOKED, keys.getApiKey(next.getId(), ws).getStatus());

        var audit = new AuditLogApi(owner);
        List<String> actions = audit.listAuditEvents(ws, null, null, null, 200, null, null, null, null).stream()
                .map(AuditEvent::getAction).toList();
        assertTrue(actions.containsAll(List.of("scope.create", "service_account.create", "api_key.create",
                "api_key.pause", "api_key.resume", "api_key.rotate", "api_key.revoke")), actions.toString());
        assertTrue(audit.verifyAuditChain(ws, null).getValid());

        // a refusal arrives as the documented problem
        var refused = assertThrows(ApiException.class, () -> new ApiKeysApi(as(key.getKey())).listApiKeys(ws, null, null,
                null, null, null, null, null));
        assertEquals(401, refused.getCode());
        assertTrue(refused.getResponseBody().contains("\"code\":\"key_revoked\""), refused.getResponseBody());
    }
}
