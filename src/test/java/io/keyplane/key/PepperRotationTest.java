package io.keyplane.key;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import io.keyplane.support.TestDatabase;
import io.keyplane.support.TestWorkspace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * A pepper rotation: KEYPLANE_PEPPER is the new pepper (version 2), KEYPLANE_PEPPER_PREVIOUS still accepts the
 * old one (version 1). A key hashed with the old pepper keeps working and moves to the new one on its first use.
 */
@QuarkusTest
@TestProfile(PepperRotationTest.Rotating.class)
class PepperRotationTest {

    static final String OLD = "dev-and-test-only-pepper-0123456789abcdef"; // the test profile's usual pepper
    static final String NEW = "the-new-pepper-of-this-rotation-0123456789";

    public static class Rotating implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keyplane.pepper", NEW, "keyplane.pepper-version", "2", "keyplane.pepper-previous", "1:" + OLD);
        }
    }

    static byte[] hmac(String pepper, String key) throws Exception {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(key.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aKeyHashedWithThePreviousPepperStillVerifiesAndMovesToTheNewOne() throws Exception {
        var ws = TestWorkspace.create();
        var plain = new KeyFormat().generate(KeyKind.API);
        var id = UUID.randomUUID().toString();
        TestDatabase.update("""
                insert into api_key (id, workspace_id, service_account_id, name, kind, key_prefix, key_hash, pepper_version,
                                     status, scopes, created_by, created_at, updated_at)
                select ?, workspace_id, service_account_id, 'from before the rotation', 'api', ?, ?, 1, 'active', scopes,
                       created_by, now(), now()
                from api_key where workspace_id = ? limit 1""", id, KeyFormat.prefixOf(plain), hmac(OLD, plain), ws.id());

        verify(plain).body("code", is("VALID")).body("key_id", is(id));
        var row = TestDatabase.query("select key_hash, pepper_version from api_key where id = ?", id).get(0);
        assertEquals((short) 2, ((Number) row.get("pepper_version")).shortValue());
        assertArrayEquals(hmac(NEW, plain), (byte[]) row.get("key_hash"));
        verify(plain).body("code", is("VALID"));

        // keys issued now use the new pepper, and unknown keys are still unknown
        assertEquals(2, ((Number) TestDatabase.query("select pepper_version from api_key where workspace_id = ? "
                + "and name = 'bootstrap'", ws.id()).get(0).get("pepper_version")).intValue());
        given().auth().oauth2(ws.ownerKey()).get("/api/v1/whoami").then().statusCode(200);
        verify(new KeyFormat().generate(KeyKind.API)).body("code", is("NOT_FOUND"));
    }

    private static io.restassured.response.ValidatableResponse verify(String key) {
        return given().auth().oauth2(TestWorkspace.OPERATOR).contentType(ContentType.JSON).body(Map.of("key", key))
                .post("/api/v1/keys/verify").then().statusCode(200);
    }
}
