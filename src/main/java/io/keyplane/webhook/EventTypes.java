package io.keyplane.webhook;

import java.util.List;

/**
 * What a webhook may subscribe to: the audit log's action names (API.md section 6), each audit event being one
 * event. A new audited action belongs here too, or only {@code *} subscribers receive it.
 */
final class EventTypes {

    static final String ALL = "*";

    static final List<String> KNOWN = List.of(
            "api_key.create", "api_key.update", "api_key.pause", "api_key.resume", "api_key.rotate",
            "api_key.revoke", "api_key.reveal", "api_key.credits_refill", "api_key.expiring", "api_key.leaked",
            "service_account.create", "service_account.update", "service_account.delete",
            "scope.create", "scope.delete",
            "workspace.update", "workspace.delete",
            "forward_auth_policy.create", "forward_auth_policy.update", "forward_auth_policy.delete",
            "webhook.create", "webhook.update", "webhook.delete", "webhook.disable",
            "webhook.redeliver",
            "access.denied");

    private EventTypes() {
    }

    static boolean isKnown(String type) {
        return ALL.equals(type) || KNOWN.contains(type);
    }
}
