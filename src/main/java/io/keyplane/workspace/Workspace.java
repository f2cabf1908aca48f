package io.keyplane.workspace;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A tenant. Its row also holds the head of its audit chain, which the audit feature maps and owns. */
@Entity
@Table(name = "workspace")
public class Workspace {

    public static final String ACTIVE = "active";
    public static final String DELETED = "deleted";

    @Id
    public UUID id;
    public String name;
    public String status;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant deletedAt;
    /** How long a key may live, in days; null: no bound. */
    public Integer maxKeyLifetimeDays;
    /** What a leak report does to a key that still works: revoke (the default) or pause. */
    public String leakAction;

    public static Workspace create(String name, Instant now) {
        var w = new Workspace();
        w.id = UUID.randomUUID();
        w.name = name;
        w.status = ACTIVE;
        w.leakAction = "revoke";
        w.createdAt = now;
        w.updatedAt = now;
        return w;
    }

    public boolean isDeleted() {
        return DELETED.equals(status);
    }
}
