package io.keyplane.auth;

import io.keyplane.support.FreshDatabaseResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ClientAddressTest} against the packaged application: the native executable with {@code -Dnative}. */
@QuarkusIntegrationTest
@WithTestResource(FreshDatabaseResource.class)
class ClientAddressIT extends ClientAddressTest {
}
