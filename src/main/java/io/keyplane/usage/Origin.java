package io.keyplane.usage;

/** Where a use of a key came from, as its usage history and the audit log record it. Any part may be null. */
public record Origin(String method, String path, String sourceIp, String userAgent, String requestId) {
}
