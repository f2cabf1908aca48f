package io.keyplane.serviceaccount;

import static io.keyplane.support.TestWorkspace.OPERATOR;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class ServiceAccountResourceTest {

    static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";
    static final String BEARER_CHALLENGE = "Bearer realm=\"keyplane\", error=\"invalid_token\"";

    TestWorkspace ws;

    @BeforeEach
    void freshWorkspace() {
        ws = TestWorkspace.create();
    }

    // --- create ---

    @Test
    void ownerCreatesAccountWithAllFieldsAndLocation() {
        var created = as(ws.ownerKey())
                .body(Map.of("name", "billing-reader", "description", "Reads billing", "scopes", List.of("keys:read")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(201).contentType(ContentType.JSON)
                .body("id", matchesPattern("[0-9a-f-]{36}"))
                .body("workspace_id", is(ws.id()))
                .body("name", is("billing-reader"))
                .body("description", is("Reads billing"))
                .body("scopes", is(List.of("keys:read")))
                .body("status", is("active"))
                .body("created_by", is(ws.ownerAccountId()))
                .body("created_at", matchesPattern(TIMESTAMP))
                .body("updated_at", matchesPattern(TIMESTAMP))
                .extract();
        var id = created.<String>path("id");
        assertEquals(created.<String>path("created_at"), created.<String>path("updated_at"));
        org.hamcrest.MatcherAssert.assertThat(created.header("Location"),
                endsWith("/api/v1/workspaces/" + ws.id() + "/service-accounts/" + id));

        as(ws.ownerKey()).when().get(ws.path("/service-accounts/" + id))
                .then().statusCode(200)
                .body("id", is(id))
                .body("workspace_id", is(ws.id()))
                .body("name", is("billing-reader"))
                .body("description", is("Reads billing"))
                .body("scopes", is(List.of("keys:read")))
                .body("status", is("active"))
                .body("created_by", is(ws.ownerAccountId()))
                .body("created_at", is(created.<String>path("created_at")));
    }

    @Test
    void operatorCreatedAccountIsCreatedByOperator() {
        as(OPERATOR).body(Map.of("name", "ops", "scopes", List.of("workspace:admin")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(201)
                .body("created_by", is("operator"))
                .body("workspace_id", is(ws.id()))
                .body("scopes", is(List.of("workspace:admin")));
    }

    @Test
    void scopesAndDescriptionDefaultToNothing() {
        as(ws.ownerKey()).body(Map.of("name", "bare")).when().post(ws.path("/service-accounts"))
                .then().statusCode(201)
                .body("scopes", is(List.of()))
                .body("description", nullValue())
                .body("status", is("active"));
    }

    @Test
    void createValidatesNameAndUnknownFields() {
        assertCreateRejected(Map.of(), "name");
        assertCreateRejected(Map.of("name", ""), "name");
        assertCreateRejected(Map.of("name", "   "), "name");
        assertCreateRejected(Map.of("name", "x".repeat(201)), "name");
        assertCreateRejected(Map.of("name", "ok", "scopes", "keys:read"), "scopes");
        assertCreateRejected(Map.of("name", "ok", "status", "disabled"), "status");
        as(ws.ownerKey()).when().get(ws.path("/service-accounts")).then().body("$", hasSize(1));
    }

    @Test
    void malformedScopeGrantIs400OnItsIndex() {
        as(ws.ownerKey()).body(Map.of("name", "bad", "scopes", List.of("bad scope")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", is("validation_failed"))
                .body("errors[0].field", is("scopes[0]"));
        as(ws.ownerKey()).body(Map.of("name", "bad", "scopes", List.of("keys:read", "Keys:Write")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(400).body("errors[0].field", is("scopes[1]"));
        as(ws.ownerKey()).when().get(ws.path("/service-accounts")).then().body("name", not(hasItem("bad")));
    }

    @Test
    void scopeNotInCatalogIs422UnknownScopeUntilItIsCreated() {
        as(ws.ownerKey()).body(Map.of("name", "billing", "scopes", List.of("billing:read")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(422).contentType("application/problem+json")
                .body("code", is("unknown_scope"))
                .body("errors[0].field", is("scopes"));
        as(ws.ownerKey()).when().get(ws.path("/service-accounts")).then().body("name", not(hasItem("billing")));

        as(ws.ownerKey()).body(Map.of("name", "billing:read")).when().post(ws.path("/scopes")).then().statusCode(201);
        as(ws.ownerKey()).body(Map.of("name", "billing", "scopes", List.of("billing:read")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(201).body("scopes", is(List.of("billing:read")));
    }

    @Test
    void wildcardGrantNeedsNoCatalogEntry() {
        as(ws.ownerKey()).body(Map.of("name", "billing-all", "scopes", List.of("billing:*")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(201).body("scopes", is(List.of("billing:*")));
    }

    @Test
    void callerCannotGrantManagementPermissionsItLacks() {
        var writer = createAccount(ws, List.of("service_accounts:write"));
        var writerKey = createServiceKey(ws, writer);

        as(writerKey).body(Map.of("name", "escalated", "scopes", List.of("keys:write")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("keys:write")));
        as(writerKey).body(Map.of("name", "escalated", "scopes", List.of("workspace:admin")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(403).body("required_scopes", is(List.of("workspace:admin")));
        as(writerKey).body(Map.of("name", "escalated", "scopes", List.of("keys:*")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(403).body("code", is("insufficient_scope"));

        as(ws.ownerKey()).when().get(ws.path("/service-accounts"))
                .then().body("name", not(hasItem("escalated")));
    }

    @Test
    void callerMayGrantCustomDataScopesAndPermissionsItHolds() {
        var writer = createAccount(ws, List.of("service_accounts:write"));
        var writerKey = createServiceKey(ws, writer);
        as(ws.ownerKey()).body(Map.of("name", "billing:read")).when().post(ws.path("/scopes")).then().statusCode(201);

        as(writerKey).body(Map.of("name", "billing-reader", "scopes", List.of("billing:read")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(201)
                .body("scopes", is(List.of("billing:read")))
                .body("created_by", is(writer));
        as(writerKey).body(Map.of("name", "delegate", "scopes", List.of("service_accounts:write")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(201).body("scopes", is(List.of("service_accounts:write")));
    }

    @Test
    void patchCannotEscalateEither() {
        var writer = createAccount(ws, List.of("service_accounts:write"));
        var writerKey = createServiceKey(ws, writer);
        var target = createAccount(ws, List.of());

        as(writerKey).body(Map.of("scopes", List.of("keys:write"))).when().patch(ws.path("/service-accounts/" + target))
                .then().statusCode(403)
                .body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("keys:write")));
        as(ws.ownerKey()).when().get(ws.path("/service-accounts/" + target)).then().body("scopes", is(List.of()));
    }

    @Test
    void aWeakerKeyCannotStripOrDeleteAStrongerAccount() {
        var writer = createAccount(ws, List.of("service_accounts:write", "service_accounts:read"));
        var writerKey = createServiceKey(ws, writer);
        as(writerKey).body(Map.of("scopes", List.of())).when().patch(ws.path("/service-accounts/" + ws.ownerAccountId()))
                .then().statusCode(403).body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("workspace:admin")));
        as(writerKey).when().delete(ws.path("/service-accounts/" + ws.ownerAccountId()))
                .then().statusCode(403).body("code", is("insufficient_scope"));
        as(ws.ownerKey()).when().get(ws.path("/service-accounts/" + ws.ownerAccountId()))
                .then().statusCode(200).body("status", is("active")).body("scopes", is(List.of("workspace:admin")));
        // an account within the writer's reach stays manageable
        var weak = createAccount(ws, List.of("service_accounts:read"));
        as(writerKey).body(Map.of("description", "mine")).when().patch(ws.path("/service-accounts/" + weak))
                .then().statusCode(200).body("description", is("mine"));
    }

    @Test
    void nullScopesInPatchIs400NotAClear() {
        var id = createAccount(ws, List.of("keys:read"));
        var body = new java.util.HashMap<String, Object>();
        body.put("scopes", null);
        as(ws.ownerKey()).body(body).when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(400).body("errors[0].field", is("scopes"));
        as(ws.ownerKey()).when().get(ws.path("/service-accounts/" + id)).then().body("scopes", is(List.of("keys:read")));
    }

    @Test
    void operatorCannotWriteIntoADeletedWorkspaceButCanStillRead() {
        var doomed = TestWorkspace.create();
        as(OPERATOR).when().delete(doomed.path("")).then().statusCode(200);
        as(OPERATOR).body(Map.of("name", "late")).when().post(doomed.path("/service-accounts"))
                .then().statusCode(404).body("code", is("not_found"));
        as(OPERATOR).when().get(doomed.path("/service-accounts")).then().statusCode(200)
                .body("id", hasItem(doomed.ownerAccountId()));
    }

    // --- list and get ---

    @Test
    void listIsABareArrayNewestFirst() {
        var first = createAccount(ws, List.of(), "first");
        var second = createAccount(ws, List.of(), "second");
        var third = createAccount(ws, List.of(), "third");
        as(ws.ownerKey()).when().get(ws.path("/service-accounts"))
                .then().statusCode(200).contentType(ContentType.JSON)
                .header("Link", nullValue())
                .body("$", hasSize(4))
                .body("id", is(List.of(third, second, first, ws.ownerAccountId())))
                .body("name", is(List.of("third", "second", "first", "owner")))
                .body("[3].scopes", is(List.of("workspace:admin")))
                .body("[3].created_by", is("operator"));
    }

    @Test
    void listPagesWithLimitCursorAndLinkHeader() {
        var first = createAccount(ws, List.of(), "first");
        var second = createAccount(ws, List.of(), "second");
        var third = createAccount(ws, List.of(), "third");

        var page1 = as(ws.ownerKey()).when().get(ws.path("/service-accounts?limit=2"))
                .then().statusCode(200)
                .body("id", is(List.of(third, second)))
                .header("Link", matchesPattern("<.*[?&]cursor=[^>]+>; rel=\"next\""))
                .extract();
        var next = page1.header("Link").replaceAll("^<(.*)>.*$", "$1").replaceAll("^https?://[^/]+", "");
        var page2 = as(ws.ownerKey()).when().get(next)
                .then().statusCode(200)
                .body("id", is(List.of(first, ws.ownerAccountId())))
                .extract();
        assertEquals(null, page2.header("Link"));

        var page1Alone = as(ws.ownerKey()).when().get(ws.path("/service-accounts?limit=1"))
                .then().statusCode(200).body("id", is(List.of(third))).extract();
        var cursor = page1Alone.header("Link").replaceAll("^.*[?&]cursor=([^&>]+).*$", "$1");
        as(ws.ownerKey()).when().get(ws.path("/service-accounts?limit=1&cursor=" + cursor))
                .then().statusCode(200).body("id", is(List.of(second)));
    }

    @Test
    void listRejectsBadLimitAndCursor() {
        for (var limit : List.of("0", "201", "-1", "many")) {
            as(ws.ownerKey()).when().get(ws.path("/service-accounts?limit=" + limit))
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("code", is("validation_failed"))
                    .body("errors[0].field", is("limit"));
        }
        as(ws.ownerKey()).when().get(ws.path("/service-accounts?cursor=garbage"))
                .then().statusCode(400).body("code", is("validation_failed")).body("errors[0].field", is("cursor"));
    }

    @Test
    void getUnknownIdIs404NotFound() {
        as(ws.ownerKey()).when().get(ws.path("/service-accounts/" + UUID.randomUUID()))
                .then().statusCode(404).contentType("application/problem+json")
                .body("code", is("not_found"));
    }

    @Test
    void getMalformedIdIs400ValidationFailed() {
        as(ws.ownerKey()).when().get(ws.path("/service-accounts/not-a-uuid"))
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", is("validation_failed"))
                .body("errors[0].field", is("id"));
    }

    // --- update ---

    @Test
    void patchChangesNameDescriptionScopesAndStatus() {
        as(ws.ownerKey()).body(Map.of("name", "database:read")).when().post(ws.path("/scopes")).then().statusCode(201);
        var created = as(ws.ownerKey())
                .body(Map.of("name", "before", "description", "old", "scopes", List.of("keys:read")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(201).extract().jsonPath();
        var id = created.getString("id");

        var updated = as(ws.ownerKey())
                .body(Map.of("name", "after", "description", "new", "scopes", List.of("database:read", "keys:write"),
                        "status", "disabled"))
                .when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(200)
                .body("id", is(id))
                .body("name", is("after"))
                .body("description", is("new"))
                .body("scopes", is(List.of("database:read", "keys:write")))
                .body("status", is("disabled"))
                .body("created_by", is(ws.ownerAccountId()))
                .body("created_at", is(created.getString("created_at")))
                .extract().jsonPath();
        // updated_at moves forward (the clock ticks in milliseconds, so it may equal created_at on a fast machine)
        org.junit.jupiter.api.Assertions.assertFalse(java.time.Instant.parse(updated.getString("updated_at"))
                .isBefore(java.time.Instant.parse(created.getString("updated_at"))));

        as(ws.ownerKey()).when().get(ws.path("/service-accounts/" + id))
                .then().statusCode(200)
                .body("name", is("after"))
                .body("description", is("new"))
                .body("scopes", is(List.of("database:read", "keys:write")))
                .body("status", is("disabled"))
                .body("updated_at", is(updated.getString("updated_at")));
    }

    @Test
    void patchLeavesAbsentFieldsUnchangedAndNullDescriptionClearsIt() {
        var id = as(ws.ownerKey())
                .body(Map.of("name", "keep", "description", "keep me", "scopes", List.of("keys:read")))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(201).extract().<String>path("id");

        as(ws.ownerKey()).body(Map.of("description", "changed")).when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(200)
                .body("name", is("keep"))
                .body("description", is("changed"))
                .body("scopes", is(List.of("keys:read")))
                .body("status", is("active"));
        as(ws.ownerKey()).body("{}").when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(200)
                .body("name", is("keep"))
                .body("description", is("changed"))
                .body("scopes", is(List.of("keys:read")));

        var clear = new HashMap<String, Object>();
        clear.put("description", null);
        as(ws.ownerKey()).body(clear).when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(200).body("description", nullValue()).body("name", is("keep"));
        as(ws.ownerKey()).when().get(ws.path("/service-accounts/" + id))
                .then().body("description", nullValue()).body("name", is("keep")).body("scopes", is(List.of("keys:read")));
    }

    @Test
    void patchRejectsBadStatusNullNameAndUnknownFields() {
        var id = createAccount(ws, List.of("keys:read"), "steady");

        as(ws.ownerKey()).body(Map.of("status", "bogus")).when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", is("validation_failed"))
                .body("errors[0].field", is("status"));
        as(ws.ownerKey()).body(Map.of("status", "deleted")).when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(400).body("errors[0].field", is("status"));

        var nullName = new HashMap<String, Object>();
        nullName.put("name", null);
        as(ws.ownerKey()).body(nullName).when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(400)
                .body("code", is("validation_failed"))
                .body("errors[0].field", is("name"));
        as(ws.ownerKey()).body(Map.of("name", "")).when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(400).body("errors[0].field", is("name"));
        as(ws.ownerKey()).body(Map.of("owner", "me")).when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(400).body("code", is("validation_failed")).body("errors[0].field", is("owner"));
        as(ws.ownerKey()).body(Map.of("scopes", List.of("bad scope"))).when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(400).body("errors[0].field", is("scopes[0]"));
        as(ws.ownerKey()).body(Map.of("scopes", List.of("billing:read"))).when().patch(ws.path("/service-accounts/" + id))
                .then().statusCode(422).body("code", is("unknown_scope"));

        as(ws.ownerKey()).when().get(ws.path("/service-accounts/" + id))
                .then().statusCode(200)
                .body("name", is("steady"))
                .body("status", is("active"))
                .body("scopes", is(List.of("keys:read")));
    }

    @Test
    void patchUnknownIdIs404() {
        as(ws.ownerKey()).body(Map.of("name", "x")).when().patch(ws.path("/service-accounts/" + UUID.randomUUID()))
                .then().statusCode(404).body("code", is("not_found"));
    }

    // --- a key never exceeds its account ---

    @Test
    void narrowingAccountScopesNarrowsItsKeysAtOnce() {
        var account = createAccount(ws, List.of("keys:read", "keys:write"));
        var key = createServiceKey(ws, account, List.of("keys:read", "keys:write"));

        as(key).when().get("/api/v1/whoami")
                .then().statusCode(200)
                .body("kind", is("service"))
                .body("service_account_id", is(account))
                .body("scopes", is(List.of("keys:read", "keys:write")));
        as(key).body(Map.of("name", "allowed")).when().post(ws.path("/api-keys")).then().statusCode(201);

        as(ws.ownerKey()).body(Map.of("scopes", List.of("keys:read"))).when().patch(ws.path("/service-accounts/" + account))
                .then().statusCode(200).body("scopes", is(List.of("keys:read")));

        as(key).when().get("/api/v1/whoami")
                .then().statusCode(200).body("scopes", is(List.of("keys:read")));
        as(key).body(Map.of("name", "not any more")).when().post(ws.path("/api-keys"))
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("keys:write")));
        as(key).when().get(ws.path("/api-keys")).then().statusCode(200);
        as(ws.ownerKey()).when().get(ws.path("/api-keys")).then().body("name", not(hasItem("not any more")));
    }

    @Test
    void disablingAccountMakesItsKeysFailUntilReEnabled() {
        var account = createAccount(ws, List.of("keys:read"));
        var key = createServiceKey(ws, account);
        as(key).when().get("/api/v1/whoami").then().statusCode(200);

        as(ws.ownerKey()).body(Map.of("status", "disabled")).when().patch(ws.path("/service-accounts/" + account))
                .then().statusCode(200).body("status", is("disabled"));
        as(key).when().get("/api/v1/whoami")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", is(BEARER_CHALLENGE))
                .body("code", is("service_account_disabled"));
        as(key).when().get(ws.path("/api-keys"))
                .then().statusCode(401).body("code", is("service_account_disabled"));
        // a disabled account is still listed and readable
        as(ws.ownerKey()).when().get(ws.path("/service-accounts"))
                .then().body("find { it.id == '" + account + "' }.status", is("disabled"));

        as(ws.ownerKey()).body(Map.of("status", "active")).when().patch(ws.path("/service-accounts/" + account))
                .then().statusCode(200).body("status", is("active"));
        as(key).when().get("/api/v1/whoami")
                .then().statusCode(200).body("status", is("active")).body("scopes", is(List.of("keys:read")));
    }

    // --- delete ---

    @Test
    void deleteMarksAccountDeletedAndRevokesItsKeys() {
        var account = createAccount(ws, List.of("keys:read"), "doomed");
        var created = createServiceKeyResponse(ws, account, null);
        var key = created.getString("key");
        var keyId = created.getString("id");
        as(key).when().get("/api/v1/whoami").then().statusCode(200);

        as(ws.ownerKey()).when().delete(ws.path("/service-accounts/" + account))
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("id", is(account))
                .body("name", is("doomed"))
                .body("status", is("deleted"));

        as(key).when().get("/api/v1/whoami")
                .then().statusCode(401)
                .header("WWW-Authenticate", is(BEARER_CHALLENGE))
                .body("code", is("key_revoked"));
        as(ws.ownerKey()).when().get(ws.path("/api-keys/" + keyId))
                .then().statusCode(200)
                .body("id", is(keyId))
                .body("status", is("revoked"))
                .body("revoked_at", notNullValue());
        as(ws.ownerKey()).when().get(ws.path("/service-accounts/" + account))
                .then().statusCode(404).body("code", is("not_found"));
        as(ws.ownerKey()).when().get(ws.path("/service-accounts"))
                .then().statusCode(200).body("id", not(hasItem(account))).body("id", hasItem(ws.ownerAccountId()));

        // gone for good: a second delete or a patch is 404 too
        as(ws.ownerKey()).when().delete(ws.path("/service-accounts/" + account))
                .then().statusCode(404).body("code", is("not_found"));
        as(ws.ownerKey()).body(Map.of("status", "active")).when().patch(ws.path("/service-accounts/" + account))
                .then().statusCode(404).body("code", is("not_found"));
        as(key).when().get("/api/v1/whoami").then().statusCode(401).body("code", is("key_revoked"));
    }

    @Test
    void keysOfADeletedAccountCannotBeIssued() {
        var account = createAccount(ws, List.of("keys:read"));
        as(ws.ownerKey()).when().delete(ws.path("/service-accounts/" + account)).then().statusCode(200);
        as(ws.ownerKey()).body(Map.of("name", "late", "kind", "service", "service_account_id", account))
                .when().post(ws.path("/api-keys"))
                .then().statusCode(422).body("errors[0].field", is("service_account_id"));
    }

    // --- permissions ---

    @Test
    void keyWithOnlyKeysReadGets403OnServiceAccounts() {
        var account = createAccount(ws, List.of("keys:read"));
        var key = createServiceKey(ws, account);

        as(key).when().get(ws.path("/service-accounts"))
                .then().statusCode(403).contentType("application/problem+json")
                .body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("service_accounts:read")));
        as(key).when().get(ws.path("/service-accounts/" + account))
                .then().statusCode(403).body("required_scopes", is(List.of("service_accounts:read")));
        as(key).body(Map.of("name", "nope")).when().post(ws.path("/service-accounts"))
                .then().statusCode(403).body("required_scopes", is(List.of("service_accounts:write")));
        as(key).body(Map.of("name", "renamed")).when().patch(ws.path("/service-accounts/" + account))
                .then().statusCode(403).body("required_scopes", is(List.of("service_accounts:write")));
        as(key).when().delete(ws.path("/service-accounts/" + account))
                .then().statusCode(403).body("required_scopes", is(List.of("service_accounts:write")));

        as(ws.ownerKey()).when().get(ws.path("/service-accounts/" + account))
                .then().statusCode(200).body("status", is("active")).body("name", not("renamed"));
        as(ws.ownerKey()).when().get(ws.path("/service-accounts")).then().body("name", not(hasItem("nope")));
    }

    @Test
    void readOnlyKeyMayListButNotWrite() {
        var account = createAccount(ws, List.of("service_accounts:read"));
        var key = createServiceKey(ws, account);
        as(key).when().get(ws.path("/service-accounts")).then().statusCode(200).body("id", hasItem(account));
        as(key).when().get(ws.path("/service-accounts/" + account)).then().statusCode(200).body("id", is(account));
        as(key).body(Map.of("name", "nope")).when().post(ws.path("/service-accounts"))
                .then().statusCode(403).body("code", is("insufficient_scope"))
                .body("required_scopes", is(List.of("service_accounts:write")));
    }

    @Test
    void apiKindKeyGets403ServiceKeyRequired() {
        var apiKey = ws.createKey(Map.of("name", "data-plane", "kind", "api")).getString("key");
        as(apiKey).when().get(ws.path("/service-accounts"))
                .then().statusCode(403).body("code", is("service_key_required"));
        as(apiKey).body(Map.of("name", "nope")).when().post(ws.path("/service-accounts"))
                .then().statusCode(403).body("code", is("service_key_required"));
    }

    @Test
    void noCredentialsIs401MissingCredentials() {
        given().when().get(ws.path("/service-accounts"))
                .then().statusCode(401)
                .header("WWW-Authenticate", is(BEARER_CHALLENGE))
                .body("code", is("missing_credentials"));
    }

    // --- tenant isolation ---

    @Test
    void ownerKeyOfAnotherWorkspaceGets403WorkspaceMismatch() {
        var b = TestWorkspace.create();
        as(ws.ownerKey()).when().get(b.path("/service-accounts"))
                .then().statusCode(403).body("code", is("workspace_mismatch"));
        as(ws.ownerKey()).body(Map.of("name", "intruder")).when().post(b.path("/service-accounts"))
                .then().statusCode(403).body("code", is("workspace_mismatch"));
        as(OPERATOR).when().get(b.path("/service-accounts"))
                .then().statusCode(200).body("name", is(List.of("owner")));
    }

    @Test
    void accountOfAnotherWorkspaceIs404UnderThisWorkspacesPath() {
        var b = TestWorkspace.create();
        var foreign = createAccount(b, List.of("keys:read"), "b-account");
        var foreignKey = createServiceKey(b, foreign);

        as(ws.ownerKey()).when().get(ws.path("/service-accounts/" + foreign))
                .then().statusCode(404).contentType("application/problem+json")
                .body("code", is("not_found"));
        as(ws.ownerKey()).body(Map.of("name", "hijacked", "status", "disabled"))
                .when().patch(ws.path("/service-accounts/" + foreign))
                .then().statusCode(404).body("code", is("not_found"));
        as(ws.ownerKey()).when().delete(ws.path("/service-accounts/" + foreign))
                .then().statusCode(404).body("code", is("not_found"));
        as(ws.ownerKey()).when().get(ws.path("/service-accounts")).then().body("id", not(hasItem(foreign)));

        as(OPERATOR).when().get(b.path("/service-accounts/" + foreign))
                .then().statusCode(200)
                .body("workspace_id", is(b.id()))
                .body("name", is("b-account"))
                .body("status", is("active"))
                .body("scopes", is(List.of("keys:read")));
        as(foreignKey).when().get("/api/v1/whoami").then().statusCode(200).body("workspace_id", is(b.id()));
    }

    @Test
    void operatorManagesAccountsInAnyWorkspace() {
        var b = TestWorkspace.create();
        var id = as(OPERATOR).body(Map.of("name", "ops-made")).when().post(b.path("/service-accounts"))
                .then().statusCode(201).body("created_by", is("operator")).extract().<String>path("id");
        as(OPERATOR).body(Map.of("name", "ops-renamed")).when().patch(b.path("/service-accounts/" + id))
                .then().statusCode(200).body("name", is("ops-renamed"));
        as(b.ownerKey()).when().get(b.path("/service-accounts/" + id))
                .then().statusCode(200).body("name", is("ops-renamed"));
        as(OPERATOR).when().delete(b.path("/service-accounts/" + id))
                .then().statusCode(200).body("status", is("deleted"));
    }

    @Test
    void operatorOnUnknownWorkspaceIs404NotFoundNever500() {
        var unknown = "/api/v1/workspaces/" + UUID.randomUUID();
        as(OPERATOR).when().get(unknown + "/service-accounts")
                .then().statusCode(404).contentType("application/problem+json").body("code", is("not_found"));
        as(OPERATOR).body(Map.of("name", "ghost")).when().post(unknown + "/service-accounts")
                .then().statusCode(404).contentType("application/problem+json").body("code", is("not_found"));
        as(OPERATOR).when().get(unknown + "/service-accounts/" + UUID.randomUUID())
                .then().statusCode(404).body("code", is("not_found"));
    }

    // --- helpers ---

    private void assertCreateRejected(Map<String, Object> body, String field) {
        as(ws.ownerKey()).body(body).when().post(ws.path("/service-accounts"))
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", is("validation_failed"))
                .body("errors[0].field", is(field));
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static String createAccount(TestWorkspace ws, List<String> scopes) {
        return createAccount(ws, scopes, "sa-" + System.nanoTime());
    }

    /** A service account made by the owner; returns its id. */
    private static String createAccount(TestWorkspace ws, List<String> scopes, String name) {
        return as(ws.ownerKey()).body(Map.of("name", name, "scopes", scopes))
                .when().post(ws.path("/service-accounts"))
                .then().statusCode(201).extract().path("id");
    }

    /** A ServiceKey of the account with all of the account's scopes; returns the plain key. */
    private static String createServiceKey(TestWorkspace ws, String accountId) {
        return createServiceKeyResponse(ws, accountId, null).getString("key");
    }

    private static String createServiceKey(TestWorkspace ws, String accountId, List<String> scopes) {
        return createServiceKeyResponse(ws, accountId, scopes).getString("key");
    }

    /** The whole create response (with "key" and "id"); null scopes means the account's. */
    private static JsonPath createServiceKeyResponse(TestWorkspace ws, String accountId, List<String> scopes) {
        var body = new HashMap<String, Object>();
        body.put("name", "k");
        body.put("kind", "service");
        body.put("service_account_id", accountId);
        if (scopes != null) {
            body.put("scopes", scopes);
        }
        return ws.createKey(body);
    }
}
