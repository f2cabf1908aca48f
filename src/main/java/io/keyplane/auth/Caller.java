package io.keyplane.auth;

import java.util.Collection;
import java.util.UUID;

import io.keyplane.common.KeyplaneException;
import io.keyplane.key.KeyFacts;
import io.keyplane.key.Permissions;
import io.quarkus.security.identity.SecurityIdentity;

/** Who made a request: the operator, or a usable key (with its account and workspace). */
public record Caller(KeyFacts key) {

    public static final String OPERATOR_ID = "operator";
    static final String IDENTITY_ATTRIBUTE = Caller.class.getName();
    private static final Caller OPERATOR = new Caller(null);

    public static Caller operator() {
        return OPERATOR;
    }

    public static Caller of(KeyFacts key) {
        return new Caller(key);
    }

    /** The caller of an authenticated request (the identity {@link KeyIdentityProvider} made). */
    public static Caller of(SecurityIdentity identity) {
        Caller caller = identity.getAttribute(IDENTITY_ATTRIBUTE);
        if (caller == null) {
            throw new IllegalStateException("no Keyplane caller: the endpoint must declare what it needs");
        }
        return caller;
    }

    public boolean isOperator() {
        return key == null;
    }

    /** The id recorded as {@code created_by} and as the audit actor: the acting service account, or "operator". */
    public String actorId() {
        return isOperator() ? OPERATOR_ID : key.serviceAccountId().toString();
    }

    public UUID keyId() {
        return isOperator() ? null : key.keyId();
    }

    public UUID workspaceId() {
        return isOperator() ? null : key.workspaceId();
    }

    /** The caller's own service account; null for the operator. */
    public UUID serviceAccountId() {
        return isOperator() ? null : key.serviceAccountId();
    }

    /** 403 {@code insufficient_scope} naming {@code scope} unless the caller (or the operator) holds it. */
    public void requireScope(String scope) {
        if (!isOperator() && !Permissions.anyCovers(key.effectiveScopes(), scope)) {
            throw KeyplaneException.insufficientScope(java.util.List.of(scope));
        }
    }

    /**
     * No escalation through delegation: granting management permissions (to an account or a ServiceKey), or
     * changing an account or ServiceKey that holds them, needs the caller to hold them too. Data-plane scopes are
     * the workspace's business and may be granted freely.
     */
    public void requireMayGrant(Collection<String> grants) {
        if (isOperator()) {
            return;
        }
        var management = grants.stream()
                .filter(g -> Permissions.BUILT_IN.stream().anyMatch(b -> Permissions.covers(g, b)))
                .toList();
        var missing = Permissions.missing(key.effectiveScopes(), management);
        if (!missing.isEmpty()) {
            throw KeyplaneException.insufficientScope(missing);
        }
    }
}
