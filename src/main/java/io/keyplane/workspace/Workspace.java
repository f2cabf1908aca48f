package io.keyplane.workspace;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

@Entity
@Table(name = "workspace")
public class Workspace extends PanacheEntityBase {

    public static final String ACTIVE = "active";
    public static final String DELETED = "deleted";

    @Id
    public UUID id;
    public String name;
    public String status;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant deletedAt;
    /** Head of the audit hash chain; only {@code AuditLog} changes these, under a row lock. */
    public long auditSeq;
    public String auditHead;

    public static Workspace create(String name, Instant now) {
        var w = new Workspace();
        w.id = UUID.randomUUID();
        w.name = name;
        w.status = ACTIVE;
        w.createdAt = now;
        w.updatedAt = now;
        w.auditSeq = 0;
        w.auditHead = "";
        return w;
    }

    public boolean isDeleted() {
        return DELETED.equals(status);
    }
}
