package io.keyplane.scope;

import static io.keyplane.support.TestWorkspace.OPERATOR;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class ScopeResourceTest {

    static final List<String> BUILT_INS = List.of("workspace:admin", "keys:read", "keys:write", "keys:verify",
            "service_accounts:read", "service_accounts:write", "scopes:write", "audit:read", "forward_auth:read",
            "forward_auth:write", "webhooks:read", "webhooks:write");

    TestWorkspace ws;

    @BeforeEach
    void freshWorkspace() {
        ws = TestWorkspace.create();
    }

    // --- list ---

    @Test
    void listShowsTheBuiltInsFirstThenCustomScopesByName() {
        createScope("storage:write", "Write blobs");
        createScope("database:read", "Read rows");

        var expectedNames = new java.util.ArrayList<>(BUILT_INS);
        expectedNames.add("database:read");
        expectedNames.add("storage:write");
        as(ws.ownerKey()).when().get(ws.path("/scopes"))
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("$", hasSize(BUILT_INS.size() + 2))
                .body("name", is(expectedNames))
                .body("built_in", is(List.of(true, true, true, true, true, true, true, true, true, true, true, true, false,
                        false)))
                .body("[0].description", is("Everything in the workspace (implies every other scope)"))
                .body("[12].name", is("database:read"))
                .body("[12].description", is("Read rows"))
                .body("[12].created_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"))
                .body("[13].name", is("storage:write"))
                .body("[13].description", is("Write blobs"));
    }

    @Test
    void freshWorkspaceListsOnlyTheBuiltIns() {
        as(ws.ownerKey()).when().get(ws.path("/scopes"))
                .then().statusCode(200)
                .body("name", is(BUILT_INS))
                .body("built_in", everyItem(is(true)))
                .body("created_at", everyItem(nullValue()));
    }

    @Test
    void anyServiceKeyOfTheWorkspaceMayListScopesEvenWithoutManagementPermissions() {
        createScope("billing:read", null);
        var account = createAccount(ws, List.of("billing:read"));
        var key = createServiceKey(ws, account);
        as(key).when().get(ws.path("/scopes"))
                .then().statusCode(200).body("$", hasSize(BUILT_INS.size() + 1))
                .body("[" + BUILT_INS.size() + "].name", is("billing:read"));
    }

    // --- create ---

    @Test
    void createReturns201WithTheScope() {
        as(ws.ownerKey()).body(Map.of("name", "database:read", "description", "Read rows"))
                .when().post(ws.path("/scopes"))
                .then().statusCode(201).contentType(ContentType.JSON)
                .body("name", is("database:read"))
                .body("description", is("Read rows"))
                .body("built_in", is(false))
                .body("created_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"));
        as(ws.ownerKey()).when().get(ws.path("/scopes"))
                .then().statusCode(200).body("name", hasItem("database:read"));
    }

    @Test
    void createWithoutDescriptionAndWithUnderscoresAndDashes() {
        as(ws.ownerKey()).body(Map.of("name", "query_engine-2:execute_all"))
                .when().post(ws.path("/scopes"))
                .then().statusCode(201)
                .body("name", is("query_engine-2:execute_all"))
                .body("description", nullValue())
                .body("built_in", is(false));
    }

    @Test
    void operatorCanCreateScopesInAnyWorkspace() {
        as(OPERATOR).body(Map.of("name", "database:read")).when().post(ws.path("/scopes"))
                .then().statusCode(201).body("name", is("database:read"));
        as(ws.ownerKey()).when().get(ws.path("/scopes")).then().body("name", hasItem("database:read"));
    }

    @Test
    void duplicateNameIs409ScopeExists() {
        createScope("database:read", "first");
        as(ws.ownerKey()).body(Map.of("name", "database:read", "description", "second"))
                .when().post(ws.path("/scopes"))
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", is("scope_exists"))
                .body("type", is("urn:keyplane:problem:scope_exists"))
                .body("status", is(409))
                .body("request_id", notNullValue());
        // the first one is kept unchanged, and listed once
        as(ws.ownerKey()).when().get(ws.path("/scopes"))
                .then().statusCode(200)
                .body("findAll { it.name == 'database:read' }", hasSize(1))
                .body("find { it.name == 'database:read' }.description", is("first"));
    }

    @Test
    void concurrentCreatesOfOneNameGiveOne201AndThe409s() {
        var statuses = java.util.stream.IntStream.range(0, 8).parallel()
                .mapToObj(i -> as(ws.ownerKey()).body(Map.of("name", "race:run")).when().post(ws.path("/scopes"))
                        .then().extract().statusCode())
                .sorted().toList();
        org.junit.jupiter.api.Assertions.assertEquals(List.of(201, 409, 409, 409, 409, 409, 409, 409), statuses);
        as(ws.ownerKey()).when().get(ws.path("/scopes"))
                .then().body("findAll { it.name == 'race:run' }", hasSize(1));
    }

    @Test
    void sameNameMayExistInTwoWorkspaces() {
        var other = TestWorkspace.create();
        createScope("database:read", null);
        as(other.ownerKey()).body(Map.of("name", "database:read")).when().post(other.path("/scopes"))
                .then().statusCode(201).body("name", is("database:read"));
    }

    @Test
    void builtInNameIs409ScopeExists() {
        for (var builtIn : List.of("keys:read", "workspace:admin")) {
            as(ws.ownerKey()).body(Map.of("name", builtIn)).when().post(ws.path("/scopes"))
                    .then().statusCode(409).contentType("application/problem+json")
                    .body("code", is("scope_exists"));
        }
        as(ws.ownerKey()).when().get(ws.path("/scopes")).then().body("$", hasSize(BUILT_INS.size()));
    }

    @Test
    void malformedNamesAre400ValidationFailedOnName() {
        for (var bad : List.of("Database:read", "database", "database:", "a:b:c", "x".repeat(101) + ":y", ":read",
                "database:*", "data base:read", "1db:read", "")) {
            as(ws.ownerKey()).body(Map.of("name", bad)).when().post(ws.path("/scopes"))
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("code", is("validation_failed"))
                    .body("errors[0].field", is("name"))
                    .body("errors[0].message", notNullValue());
        }
        as(ws.ownerKey()).when().get(ws.path("/scopes")).then().body("$", hasSize(BUILT_INS.size()));
    }

    @Test
    void missingNameIs400OnName() {
        as(ws.ownerKey()).body(Map.of("description", "no name")).when().post(ws.path("/scopes"))
                .then().statusCode(400).body("code", is("validation_failed")).body("errors[0].field", is("name"));
    }

    @Test
    void unknownFieldIs400ValidationFailed() {
        as(ws.ownerKey()).body(Map.of("name", "database:read", "colour", "red")).when().post(ws.path("/scopes"))
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", is("validation_failed"))
                .body("errors[0].field", is("colour"));
        as(ws.ownerKey()).when().get(ws.path("/scopes")).then().body("name", not(hasItem("database:read")));
    }

    @Test
    void malformedJsonIs400ValidationFailed() {
        as(ws.ownerKey()).body("{\"name\": ").when().post(ws.path("/scopes"))
                .then().statusCode(400).body("code", is("validation_failed"));
    }

    // --- delete ---

    @Test
    void deleteCustomScopeIs204AndItIsGone() {
        createScope("database:read", null);
        createScope("database:write", null);
        as(ws.ownerKey()).when().delete(ws.path("/scopes/database:read"))
                .then().statusCode(204);
        as(ws.ownerKey()).when().get(ws.path("/scopes"))
                .then().statusCode(200)
                .body("name", not(hasItem("database:read")))
                .body("name", hasItem("database:write"))
                .body("$", hasSize(BUILT_INS.size() + 1));
        // and it can be made again
        createScope("database:read", "again");
    }

    @Test
    void deleteBuiltInIs409ScopeBuiltIn() {
        as(ws.ownerKey()).when().delete(ws.path("/scopes/keys:read"))
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", is("scope_built_in"));
        as(ws.ownerKey()).when().delete(ws.path("/scopes/workspace:admin"))
                .then().statusCode(409).body("code", is("scope_built_in"));
        as(ws.ownerKey()).when().get(ws.path("/scopes")).then().body("name", is(BUILT_INS));
    }

    @Test
    void deleteUnknownScopeIs404NotFound() {
        as(ws.ownerKey()).when().delete(ws.path("/scopes/nothing:here"))
                .then().statusCode(404).contentType("application/problem+json")
                .body("code", is("not_found"));
    }

    @Test
    void deleteOfAnotherWorkspacesScopeNameIs404AndLeavesItThere() {
        var other = TestWorkspace.create();
        as(other.ownerKey()).body(Map.of("name", "database:read")).when().post(other.path("/scopes"))
                .then().statusCode(201);
        as(ws.ownerKey()).when().delete(ws.path("/scopes/database:read"))
                .then().statusCode(404).body("code", is("not_found"));
        as(other.ownerKey()).when().get(other.path("/scopes")).then().body("name", hasItem("database:read"));
    }

    @Test
    void deleteScopeGrantedToServiceAccountIs409ScopeInUse() {
        createScope("database:read", null);
        createAccount(ws, List.of("database:read"));
        as(ws.ownerKey()).when().delete(ws.path("/scopes/database:read"))
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", is("scope_in_use"));
        as(ws.ownerKey()).when().get(ws.path("/scopes"))
                .then().statusCode(200).body("name", hasItem("database:read"));
    }

    @Test
    void deleteScopeGrantedOnlyToAnApiKeyIs409ScopeInUse() {
        createScope("database:read", null);
        // the owner's workspace:admin covers database:read, so the key names the scope while no account does
        var key = ws.createKey("reader", "api", List.of("database:read"));
        org.junit.jupiter.api.Assertions.assertEquals(List.of("database:read"), key.getList("scopes"));
        as(ws.ownerKey()).when().delete(ws.path("/scopes/database:read"))
                .then().statusCode(409).body("code", is("scope_in_use"));
        as(ws.ownerKey()).when().get(ws.path("/scopes")).then().body("name", hasItem("database:read"));

        // once the key is revoked nothing grants it any more
        as(ws.ownerKey()).when().delete(ws.path("/api-keys/" + key.getString("id")))
                .then().statusCode(200).body("status", is("revoked"));
        as(ws.ownerKey()).when().delete(ws.path("/scopes/database:read")).then().statusCode(204);
        as(ws.ownerKey()).when().get(ws.path("/scopes")).then().body("name", not(hasItem("database:read")));
    }

    @Test
    void scopeOfADeletedServiceAccountCanBeDeleted() {
        createScope("database:read", null);
        var account = createAccount(ws, List.of("database:read"));
        as(ws.ownerKey()).when().delete(ws.path("/scopes/database:read"))
                .then().statusCode(409).body("code", is("scope_in_use"));
        as(ws.ownerKey()).when().delete(ws.path("/service-accounts/" + account))
                .then().statusCode(200).body("status", is("deleted"));
        as(ws.ownerKey()).when().delete(ws.path("/scopes/database:read")).then().statusCode(204);
    }

    // --- permissions ---

    @Test
    void serviceKeyWithoutScopesWriteGets403InsufficientScope() {
        createScope("database:read", null);
        var account = createAccount(ws, List.of("keys:read"));
        var key = createServiceKey(ws, account);

        as(key).body(Map.of("name", "billing:read")).when().post(ws.path("/scopes"))
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("scopes:write")));
        as(key).when().delete(ws.path("/scopes/database:read"))
                .then().statusCode(403)
                .body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("scopes:write")));
        // nothing changed, and the same key may still read the catalog
        as(key).when().get(ws.path("/scopes"))
                .then().statusCode(200)
                .body("name", hasItem("database:read"))
                .body("name", not(hasItem("billing:read")));
    }

    @Test
    void serviceKeyWithScopesWriteMayCreateAndDelete() {
        var account = createAccount(ws, List.of("scopes:write"));
        var key = createServiceKey(ws, account);
        as(key).body(Map.of("name", "billing:read")).when().post(ws.path("/scopes"))
                .then().statusCode(201).body("name", is("billing:read"));
        as(key).when().delete(ws.path("/scopes/billing:read")).then().statusCode(204);
    }

    @Test
    void apiKindKeyGets403ServiceKeyRequired() {
        var apiKey = ws.createKey(Map.of("name", "data-plane", "kind", "api")).getString("key");
        as(apiKey).when().get(ws.path("/scopes"))
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", is("service_key_required"));
        as(apiKey).body(Map.of("name", "billing:read")).when().post(ws.path("/scopes"))
                .then().statusCode(403).body("code", is("service_key_required"));
        as(ws.ownerKey()).when().get(ws.path("/scopes")).then().body("name", not(hasItem("billing:read")));
    }

    @Test
    void ingestKindKeyGets403ServiceKeyRequired() {
        var ingestKey = ws.createKey(Map.of("name", "pipeline", "kind", "ingest")).getString("key");
        as(ingestKey).when().get(ws.path("/scopes"))
                .then().statusCode(403).body("code", is("service_key_required"));
    }

    @Test
    void ownerKeyOfAnotherWorkspaceGets403WorkspaceMismatch() {
        var a = ws;
        var b = TestWorkspace.create();
        as(b.ownerKey()).body(Map.of("name", "database:read")).when().post(b.path("/scopes")).then().statusCode(201);

        as(a.ownerKey()).when().get(b.path("/scopes"))
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", is("workspace_mismatch"));
        as(a.ownerKey()).body(Map.of("name", "billing:read")).when().post(b.path("/scopes"))
                .then().statusCode(403).body("code", is("workspace_mismatch"));
        as(a.ownerKey()).when().delete(b.path("/scopes/database:read"))
                .then().statusCode(403).body("code", is("workspace_mismatch"));

        // B's catalog is untouched
        as(OPERATOR).when().get(b.path("/scopes"))
                .then().statusCode(200)
                .body("name", hasItem("database:read"))
                .body("name", not(hasItem("billing:read")));
    }

    @Test
    void operatorTokenWorksOnAnyWorkspace() {
        var other = TestWorkspace.create();
        for (var w : List.of(ws, other)) {
            as(OPERATOR).when().get(w.path("/scopes")).then().statusCode(200).body("name", is(BUILT_INS));
            as(OPERATOR).body(Map.of("name", "ops:run")).when().post(w.path("/scopes"))
                    .then().statusCode(201).body("name", is("ops:run"));
            as(OPERATOR).when().delete(w.path("/scopes/ops:run")).then().statusCode(204);
        }
    }

    @Test
    void operatorOnUnknownWorkspaceIs404NotFoundNever500() {
        var unknown = "/api/v1/workspaces/" + java.util.UUID.randomUUID();
        as(OPERATOR).when().get(unknown + "/scopes")
                .then().statusCode(404).contentType("application/problem+json").body("code", is("not_found"));
        as(OPERATOR).body(Map.of("name", "database:read")).when().post(unknown + "/scopes")
                .then().statusCode(404).contentType("application/problem+json").body("code", is("not_found"));
        as(OPERATOR).when().delete(unknown + "/scopes/database:read")
                .then().statusCode(404).body("code", is("not_found"));
    }

    @Test
    void noCredentialsIs401MissingCredentials() {
        given().when().get(ws.path("/scopes"))
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", is("Bearer realm=\"keyplane\", error=\"invalid_token\""))
                .body("code", is("missing_credentials"));
        given().contentType(ContentType.JSON).body(Map.of("name", "database:read")).when().post(ws.path("/scopes"))
                .then().statusCode(401).body("code", is("missing_credentials"));
        given().when().delete(ws.path("/scopes/keys:read"))
                .then().statusCode(401).body("code", is("missing_credentials"));
        as(ws.ownerKey()).when().get(ws.path("/scopes")).then().body("name", not(hasItem("database:read")));
    }

    // --- helpers ---

    private void createScope(String name, String description) {
        var body = new HashMap<String, Object>();
        body.put("name", name);
        if (description != null) {
            body.put("description", description);
        }
        as(ws.ownerKey()).body(body).when().post(ws.path("/scopes")).then().statusCode(201);
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    /** A service account made by the owner; returns its id. */
    private static String createAccount(TestWorkspace ws, List<String> scopes) {
        return as(ws.ownerKey())
                .body(Map.of("name", "sa-" + System.nanoTime(), "scopes", scopes))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(201).extract().path("id");
    }

    /** A ServiceKey of the account with all of the account's scopes; returns the plain key. */
    private static String createServiceKey(TestWorkspace ws, String accountId) {
        return ws.createKey(Map.of("name", "k", "kind", "service", "service_account_id", accountId)).getString("key");
    }
}
