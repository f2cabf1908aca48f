package io.keyplane.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Permission;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.keyplane.common.KeyplaneException;
import io.keyplane.key.KeyFacts;
import io.keyplane.key.KeyKind;
import io.keyplane.key.Permissions;
import io.quarkus.security.StringPermission;

/**
 * What AccessRules decides for @PermissionsAllowed, rule by rule and in order (API.md section 1): the workspace
 * header, then the kind of key (ServiceKeys only), then the workspace, then the scope. Every key's own workspace is
 * one authentication already found active, so no case here reaches the database (the operator's do).
 */
class AccessRulesTest {

    static final UUID WORKSPACE = UUID.randomUUID();
    static final AccessRules RULES = new AccessRules(null);

    static Caller key(KeyKind kind, UUID workspace, String... scopes) {
        return Caller.of(new KeyFacts(UUID.randomUUID(), workspace, UUID.randomUUID(), kind, "kp_svc_abcd", "active",
                List.of(scopes), "active", "active", null, null, null, List.of(), "{}", false));
    }

    static Permission inWorkspace(String scope, UUID workspace) {
        var colon = scope.indexOf(':');
        return colon < 0 ? new WorkspacePermission(scope, new String[0], workspace)
                : new WorkspacePermission(scope.substring(0, colon), new String[] { scope.substring(colon + 1) }, workspace);
    }

    /** The code of the refusal, or "granted". */
    static String decide(Caller caller, Permission required, String workspaceHeader) {
        try {
            return RULES.check(caller, required, workspaceHeader).await().atMost(Duration.ofSeconds(1)) ? "granted" : "no";
        } catch (KeyplaneException refused) {
            return refused.code();
        }
    }

    @Test
    void theRulesApplyInTheirOrder() {
        var apiKeyElsewhere = key(KeyKind.API, UUID.randomUUID());
        assertEquals("workspace_header_mismatch", decide(apiKeyElsewhere, inWorkspace("keys:read", WORKSPACE),
                UUID.randomUUID().toString()), "the header is checked first, whoever calls");
        assertEquals("service_key_required", decide(apiKeyElsewhere, inWorkspace("keys:read", WORKSPACE), null),
                "then the kind: a data-plane key never manages anything");
        assertEquals("workspace_mismatch", decide(key(KeyKind.SERVICE, UUID.randomUUID(), Permissions.WORKSPACE_ADMIN),
                inWorkspace("keys:read", WORKSPACE), null), "then the workspace, whatever the key's scopes");
        assertEquals("insufficient_scope", decide(key(KeyKind.SERVICE, WORKSPACE, "keys:write"),
                inWorkspace("keys:read", WORKSPACE), null), "then the scope: keys:write does not cover keys:read");
        assertEquals("granted", decide(key(KeyKind.SERVICE, WORKSPACE, "keys:read"), inWorkspace("keys:read", WORKSPACE),
                WORKSPACE.toString().toUpperCase()), "a header equal to the path, in any case, passes");
    }

    @Test
    void grantsCoverWhatTheyName() {
        assertEquals("granted", decide(key(KeyKind.SERVICE, WORKSPACE, Permissions.WORKSPACE_ADMIN),
                inWorkspace("audit:read", WORKSPACE), null), "workspace:admin covers every permission");
        assertEquals("granted", decide(key(KeyKind.SERVICE, WORKSPACE, "keys:*"), inWorkspace("keys:verify", WORKSPACE),
                null), "keys:* covers keys:verify");
        assertEquals("insufficient_scope", decide(key(KeyKind.SERVICE, WORKSPACE, "keys:*"),
                inWorkspace("audit:read", WORKSPACE), null), "keys:* covers nothing outside keys");
        assertEquals("granted", decide(key(KeyKind.SERVICE, WORKSPACE), inWorkspace(Permissions.MEMBER, WORKSPACE), null),
                "member: any ServiceKey of the workspace, with no scope at all");
        var refused = assertThrows(KeyplaneException.class, () -> RULES.check(key(KeyKind.SERVICE, WORKSPACE, "keys:read"),
                inWorkspace("keys:write", WORKSPACE), null).await().atMost(Duration.ofSeconds(1)));
        assertEquals(List.of("keys:write"), refused.requiredScopes(), "the refusal names the missing permission");
    }

    @Test
    void globalPermissionsAreTheOperatorsOrAServiceKeysScope() {
        RULES.requireGlobal(Caller.operator(), Permissions.OPERATOR);
        RULES.requireGlobal(Caller.operator(), Permissions.KEYS_VERIFY);
        RULES.requireGlobal(key(KeyKind.SERVICE, WORKSPACE), Permissions.ANY_SERVICE_KEY);
        RULES.requireGlobal(key(KeyKind.SERVICE, WORKSPACE, "keys:verify"), Permissions.KEYS_VERIFY);
        assertEquals("insufficient_scope", assertThrows(KeyplaneException.class, () -> RULES.requireGlobal(
                key(KeyKind.SERVICE, WORKSPACE, Permissions.WORKSPACE_ADMIN), Permissions.OPERATOR)).code(),
                "only the operator token is the operator, whatever a key holds");
        assertEquals("service_key_required", assertThrows(KeyplaneException.class, () -> RULES.requireGlobal(
                key(KeyKind.INGEST, WORKSPACE, "keys:verify"), Permissions.KEYS_VERIFY)).code(),
                "an ingest key cannot verify, whatever its scopes");
        assertEquals("insufficient_scope", assertThrows(KeyplaneException.class, () -> RULES.requireGlobal(
                key(KeyKind.SERVICE, WORKSPACE, "keys:read"), Permissions.KEYS_VERIFY)).code());
        assertTrue(decide(Caller.operator(), new StringPermission("operator"), null).equals("granted"),
                "a global requirement through Quarkus Security's own permission");
    }
}
