package io.keyplane.audit;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Warns, once started, when the runtime database login could switch off the audit log's append-only trigger: a
 * superuser, or a member of the role that owns {@code audit_event}. The chain's HMAC would still catch a rewrite
 * (SECURITY.md), but the database's own refusal would be gone. Runs after start-up, never in front of readiness.
 */
@Singleton
public class RuntimeLoginCheck {

    private static final String FIX = "run the migrations as the owner (KEYPLANE_DB_MIGRATION_USER) and the service "
            + "as a plain login that owns nothing (KEYPLANE_DB_USER); SECURITY.md shows the two logins";

    private final Pool pool;

    @Inject
    RuntimeLoginCheck(Pool pool) {
        this.pool = pool;
    }

    void afterStart(@Observes @Priority(40) StartupEvent event) {
        findings().subscribe().with(found -> found.forEach(Log::warn),
                failure -> Log.debugf("The runtime login's rights could not be checked: %s", failure.getMessage()));
    }

    /** What is wrong with the runtime login's rights over the audit log; empty when nothing is. */
    public Uni<List<String>> findings() {
        return pool.query("""
                select current_user as login, r.rolsuper as superuser,
                       pg_has_role(current_user, c.relowner, 'MEMBER') as owner
                from pg_roles r, pg_class c
                where r.rolname = current_user and c.oid = 'audit_event'::regclass""").execute().map(rows -> {
                    var found = new ArrayList<String>();
                    for (var row : rows) {
                        var login = row.getString("login");
                        if (Boolean.TRUE.equals(row.getBoolean("superuser"))) {
                            found.add("The runtime database login " + login + " is a superuser: it can switch off the "
                                    + "audit log's append-only trigger; " + FIX);
                        } else if (Boolean.TRUE.equals(row.getBoolean("owner"))) {
                            found.add("The runtime database login " + login + " owns audit_event: it can switch off "
                                    + "the audit log's append-only trigger; " + FIX);
                        }
                    }
                    return List.copyOf(found);
                });
    }
}
