package io.keyplane.auth;

import java.util.UUID;

/** Who made a request: the operator, or a key (with its account and workspace). */
public record Caller(KeyFacts key) {

    public static final String OPERATOR_ID = "operator";
    private static final Caller OPERATOR = new Caller(null);

    public static Caller operator() {
        return OPERATOR;
    }

    public static Caller of(KeyFacts key) {
        return new Caller(key);
    }

    public boolean isOperator() {
        return key == null;
    }

    /** The id recorded as {@code created_by}: the acting service account, or "operator". */
    public String actorId() {
        return isOperator() ? OPERATOR_ID : key.serviceAccountId().toString();
    }

    public UUID keyId() {
        return isOperator() ? null : key.keyId();
    }

    public UUID workspaceId() {
        return isOperator() ? null : key.workspaceId();
    }
}
