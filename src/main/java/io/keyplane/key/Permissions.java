package io.keyplane.key;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Scope names, grants and the built-in management permissions (API.md section 3).
 * A grant is a scope name or {@code <resource>:*}; {@code workspace:admin} implies everything.
 */
public final class Permissions {

    public static final String WORKSPACE_ADMIN = "workspace:admin";
    public static final String KEYS_READ = "keys:read";
    public static final String KEYS_WRITE = "keys:write";
    public static final String KEYS_VERIFY = "keys:verify";
    public static final String SERVICE_ACCOUNTS_READ = "service_accounts:read";
    public static final String SERVICE_ACCOUNTS_WRITE = "service_accounts:write";
    public static final String SCOPES_WRITE = "scopes:write";
    public static final String AUDIT_READ = "audit:read";
    public static final String FORWARD_AUTH_READ = "forward_auth:read";
    public static final String FORWARD_AUTH_WRITE = "forward_auth:write";
    public static final String WEBHOOKS_READ = "webhooks:read";
    public static final String WEBHOOKS_WRITE = "webhooks:write";

    public static final List<String> BUILT_IN = List.of(WORKSPACE_ADMIN, KEYS_READ, KEYS_WRITE, KEYS_VERIFY,
            SERVICE_ACCOUNTS_READ, SERVICE_ACCOUNTS_WRITE, SCOPES_WRITE, AUDIT_READ, FORWARD_AUTH_READ,
            FORWARD_AUTH_WRITE, WEBHOOKS_READ, WEBHOOKS_WRITE);

    // What an endpoint may require beside scopes. No colon, so no scope can ever be named like one of these.
    /** Only the operator token. */
    public static final String OPERATOR = "operator";
    /** Any ServiceKey, of any workspace, or the operator. */
    public static final String ANY_SERVICE_KEY = "service-key";
    /** Any ServiceKey of the workspace in the path, or the operator. */
    public static final String MEMBER = "member";

    /** Requirements that only read: the operator may still use them on a deleted workspace, whose records stay. */
    public static final Set<String> READ_ONLY = Set.of(MEMBER, KEYS_READ, SERVICE_ACCOUNTS_READ, AUDIT_READ,
            FORWARD_AUTH_READ, WEBHOOKS_READ);

    public static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$");
    static final Pattern WILDCARD = Pattern.compile("^[a-z][a-z0-9_-]*:\\*$");
    public static final int MAX_NAME_LENGTH = 100;

    private Permissions() {
    }

    /**
     * A requirement as {@code @PermissionsAllowed} declared it: Quarkus Security splits {@code resource:action}
     * into a permission name and its actions, so this joins them again.
     */
    public static String requirement(String name, String[] actions) {
        return actions == null || actions.length == 0 ? name : name + ":" + String.join(",", actions);
    }

    /**
     * {@link #NAME}, checked by hand: verify checks every required scope of every call, and a regex matcher per
     * scope was the largest allocation left on that path (bench/HISTORY.md). {@code PermissionsTest} holds the two
     * equal.
     */
    public static boolean isName(String s) {
        if (s == null || s.length() > MAX_NAME_LENGTH) {
            return false;
        }
        int colon = s.indexOf(':');
        return colon > 0 && isSegment(s, 0, colon) && isSegment(s, colon + 1, s.length());
    }

    /** A name, or {@code resource:*} ({@link #WILDCARD}). */
    public static boolean isGrant(String s) {
        if (isName(s)) {
            return true;
        }
        int colon = s == null ? -1 : s.length() - 2;
        return colon > 0 && s.length() <= MAX_NAME_LENGTH && s.charAt(colon) == ':' && s.charAt(colon + 1) == '*'
                && isSegment(s, 0, colon);
    }

    /** {@code [a-z][a-z0-9_-]*} from {@code from} to {@code to}. */
    private static boolean isSegment(String s, int from, int to) {
        if (from >= to || s.charAt(from) < 'a' || s.charAt(from) > 'z') {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public static boolean isBuiltIn(String name) {
        return BUILT_IN.contains(name);
    }

    /** Whether one grant allows {@code required}, which may itself be a grant (a wildcard is covered by an equal or wider one). */
    public static boolean covers(String grant, String required) {
        if (grant.equals(required) || grant.equals(WORKSPACE_ADMIN)) {
            return true;
        }
        if (grant.endsWith(":*")) {
            var resource = grant.substring(0, grant.length() - 1); // keeps the colon
            return required.startsWith(resource) && !required.equals(WORKSPACE_ADMIN);
        }
        return false;
    }

    public static boolean anyCovers(Collection<String> grants, String required) {
        for (var grant : grants) {
            if (covers(grant, required)) {
                return true;
            }
        }
        return false;
    }

    /** The requirements none of the grants cover, in the order asked. */
    public static List<String> missing(Collection<String> grants, Collection<String> required) {
        var missing = new ArrayList<String>();
        for (var r : required) {
            if (!anyCovers(grants, r)) {
                missing.add(r);
            }
        }
        return missing;
    }

    /**
     * key ∩ account: what a key may really do. A key grant the account covers stays as it is; a wider key grant
     * is narrowed to the account grants it covers. Evaluated at use time, so narrowing an account narrows its keys.
     */
    public static List<String> effective(Collection<String> keyGrants, Collection<String> accountGrants) {
        var result = new LinkedHashSet<String>();
        for (var k : keyGrants) {
            if (anyCovers(accountGrants, k)) {
                result.add(k);
            } else {
                for (var a : accountGrants) {
                    if (covers(k, a)) {
                        result.add(a);
                    }
                }
            }
        }
        return List.copyOf(result);
    }
}
