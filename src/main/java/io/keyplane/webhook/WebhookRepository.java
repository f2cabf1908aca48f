package io.keyplane.webhook;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.keyplane.common.WorkspaceOwned;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Every query names the workspace: another workspace's webhook is simply not found. */
@ApplicationScoped
class WebhookRepository implements WorkspaceOwned<Webhook> {

    @Override
    public String noun() {
        return "Webhook";
    }

    /**
     * Deliveries start after the workspace's latest event, this transaction's included: a new webhook receives
     * the events after its own creation, and one enabled again not what happened while it was disabled. Its
     * failures so far are forgotten.
     */
    Uni<Integer> restartFromNow(UUID id) {
        return getSession().chain(session -> session.createNativeQuery("""
                update webhook w set cursor_seq = s.audit_seq, failing_since = null
                from workspace s where s.id = w.workspace_id and w.id = ?1""")
                .setParameter(1, id).executeUpdate());
    }
}
