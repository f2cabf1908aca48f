package io.keyplane.audit;

import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The head of a workspace's hash chain. It lives on the workspace row, so that the row lock that serialises
 * appends is the workspace's own; the workspace feature's entity does not map these columns, audit owns them.
 */
@Entity
@Table(name = "workspace")
public class AuditChainHead {

    @Id
    public UUID id;
    public long auditSeq;
    public String auditHead;
}
