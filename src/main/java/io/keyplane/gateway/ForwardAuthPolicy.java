package io.keyplane.gateway;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A forward-auth policy; {@code rules} is its JSON list of {@link PolicyDtos.Rule}. */
@Entity
@Table(name = "forward_auth_policy")
public class ForwardAuthPolicy {

    @Id
    public UUID id;
    public UUID workspaceId;
    public String name;
    public String rules;
    public String keySource;
    public String createdBy;
    public Instant createdAt;
    public Instant updatedAt;
    @Version
    public long version;
}
