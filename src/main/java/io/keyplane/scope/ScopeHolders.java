package io.keyplane.scope;

import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Whatever holds grants of scopes (service accounts, keys) says how many of its live records still grant one,
 * so that a scope in use is not deleted. The features above implement it; scope never reads their tables.
 */
public interface ScopeHolders {

    Uni<Long> countGranting(UUID workspaceId, String scope);
}
