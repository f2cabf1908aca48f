package io.keyplane.key;

import io.keyplane.support.FreshDatabaseResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link PepperRotationTest} against the packaged application: the native executable with {@code -Dnative}. */
@QuarkusIntegrationTest
@WithTestResource(FreshDatabaseResource.class)
class PepperRotationIT extends PepperRotationTest {
}
