package io.keyplane.key;

/** The verify codes of API.md sections 5 and 9, in the order {@link KeyCheck} checks them. */
public enum VerifyCode {
    VALID, NOT_FOUND, KIND_NOT_ALLOWED, REVOKED, EXPIRED, PAUSED, DISABLED, IP_NOT_ALLOWED, INSUFFICIENT_SCOPE,
    RATE_LIMITED, USAGE_EXCEEDED
}
