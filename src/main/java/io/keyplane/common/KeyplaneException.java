package io.keyplane.common;

import java.util.List;

/**
 * An expected failure with its HTTP status and contract error code (API.md section 2).
 * Details must never contain a key, token or pepper.
 */
public class KeyplaneException extends RuntimeException {

    /** Attribute of a Quarkus Security {@code AuthenticationFailedException}: the KeyplaneException to answer. */
    public static final String SECURITY_ATTRIBUTE = "keyplane.problem";
    private static final long DATABASE_RETRY_SECONDS = 2;

    private final int status;
    private final String code;
    private final List<FieldError> errors;
    private final List<String> requiredScopes;
    private final Long retryAfterSeconds;
    private final Integer limit;

    public KeyplaneException(int status, String code, String detail) {
        this(status, code, detail, null, null, null);
    }

    protected KeyplaneException(int status, String code, String detail, List<FieldError> errors,
            List<String> requiredScopes, Long retryAfterSeconds) {
        this(status, code, detail, errors, requiredScopes, retryAfterSeconds, null);
    }

    private KeyplaneException(int status, String code, String detail, List<FieldError> errors,
            List<String> requiredScopes, Long retryAfterSeconds, Integer limit) {
        super(detail, null, false, false); // expected outcome: no stack trace needed
        this.status = status;
        this.code = code;
        this.errors = errors;
        this.requiredScopes = requiredScopes;
        this.retryAfterSeconds = retryAfterSeconds;
        this.limit = limit;
    }

    public static KeyplaneException validation(String field, String message) {
        return validation(List.of(new FieldError(field, message)));
    }

    public static KeyplaneException validation(List<FieldError> errors) {
        return new KeyplaneException(400, "validation_failed", "The request is not valid", errors, null, null);
    }

    public static KeyplaneException unprocessable(String code, String field, String message) {
        return new KeyplaneException(422, code, message, List.of(new FieldError(field, message)), null, null);
    }

    /** 422 limit_exceeded: the workspace holds {@code limit} {@code what} already, the most {@code setting} allows. */
    public static KeyplaneException limitExceeded(String what, int limit, String setting) {
        return new KeyplaneException(422, "limit_exceeded", "The workspace already has " + limit + " " + what
                + ", the most it may have (" + setting + "); delete one first", null, null, null, limit);
    }

    public static KeyplaneException notFound(String what) {
        return new KeyplaneException(404, "not_found", what + " not found");
    }

    public static KeyplaneException conflict(String code, String detail) {
        return new KeyplaneException(409, code, detail);
    }

    public static KeyplaneException unauthenticated(String code, String detail) {
        return new KeyplaneException(401, code, detail);
    }

    public static KeyplaneException forbidden(String code, String detail) {
        return new KeyplaneException(403, code, detail);
    }

    public static KeyplaneException insufficientScope(List<String> missing) {
        return new KeyplaneException(403, "insufficient_scope",
                "The credential lacks a permission this operation needs", null, List.copyOf(missing), null);
    }

    public static KeyplaneException rateLimited(long retryAfterSeconds) {
        return new KeyplaneException(429, "rate_limited", "Rate limit exceeded; retry after "
                + retryAfterSeconds + " s", null, null, retryAfterSeconds);
    }

    /** A refusal to retry later: 429 with another code than the rate limit's (credits used up, say), or a 503. */
    public static KeyplaneException retryLater(int status, String code, String detail, long retryAfterSeconds) {
        return new KeyplaneException(status, code, detail, null, null, retryAfterSeconds);
    }

    /** 503: a dependency (the database's connection pool) cannot take the request now. */
    public static KeyplaneException unavailable(long retryAfterSeconds) {
        return unavailable(retryAfterSeconds, "The service is overloaded; retry after " + retryAfterSeconds + " s");
    }

    /** 503 with what cannot be reached: the database, or Redis when rate limits fail closed. */
    public static KeyplaneException unavailable(long retryAfterSeconds, String detail) {
        return new KeyplaneException(503, "service_unavailable", detail, null, null, retryAfterSeconds);
    }

    /** 503: the database cannot be reached (an outage, a restart, a failover). */
    public static KeyplaneException databaseUnavailable() {
        return unavailable(DATABASE_RETRY_SECONDS, "The database cannot be reached; retry after "
                + DATABASE_RETRY_SECONDS + " s");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public List<String> requiredScopes() {
        return requiredScopes;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Integer limit() {
        return limit;
    }
}
