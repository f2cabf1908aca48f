package io.keyplane.scope;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A workspace's own scope (built-in management permissions are not stored: see {@link io.keyplane.key.Permissions}). */
@Entity
@Table(name = "scope")
@IdClass(ScopeDefinition.Key.class)
public class ScopeDefinition {

    @Id
    public UUID workspaceId;
    @Id
    public String name;
    public String description;
    public Instant createdAt;

    public record Key(UUID workspaceId, String name) implements Serializable {
        public Key() {
            this(null, null);
        }
    }
}
