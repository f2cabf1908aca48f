package io.keyplane.usage;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One use of a key: a verification of it, or a management call made with it. */
@Entity
@Table(name = "key_usage")
public class KeyUsage {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public UUID keyId;
    public UUID workspaceId;
    public Instant at;
    public String outcome;
    public String code;
    public String method;
    public String path;
    public String sourceIp;
    public String userAgent;
    public String requestId;
}
