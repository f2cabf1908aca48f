package io.keyplane.serviceaccount;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

@Entity
@Table(name = "service_account")
public class ServiceAccount {

    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";
    public static final String DELETED = "deleted";

    @Id
    public UUID id;
    public UUID workspaceId;
    public String name;
    public String description;
    public String[] scopes;
    public String status;
    public String createdBy;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant deletedAt;
    @Version
    public long version;

    public static ServiceAccount create(UUID workspaceId, String name, String description, List<String> scopes,
            String createdBy, Instant now) {
        var sa = new ServiceAccount();
        sa.id = UUID.randomUUID();
        sa.workspaceId = workspaceId;
        sa.name = name;
        sa.description = description;
        sa.scopes = scopes.toArray(String[]::new);
        sa.status = ACTIVE;
        sa.createdBy = createdBy;
        sa.createdAt = now;
        sa.updatedAt = now;
        return sa;
    }

    public List<String> scopeList() {
        return List.of(scopes);
    }
}
