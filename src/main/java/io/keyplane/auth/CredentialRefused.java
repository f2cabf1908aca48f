package io.keyplane.auth;

import io.keyplane.common.KeyplaneException;
import io.keyplane.key.KeyFacts;

/**
 * A bearer token that is not accepted: the problem to answer (401 with the contract's code, or 429), and the key
 * when one exists, so that its use is recorded and its refusal audited in its own workspace.
 */
public final class CredentialRefused extends RuntimeException {

    private final KeyplaneException problem;
    private final transient KeyFacts key;

    CredentialRefused(KeyplaneException problem, KeyFacts key) {
        super(problem.getMessage(), null, false, false);
        this.problem = problem;
        this.key = key;
    }

    public KeyplaneException problem() {
        return problem;
    }

    /** The refused key; null when the token names no key. */
    public KeyFacts key() {
        return key;
    }
}
