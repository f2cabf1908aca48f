package io.keyplane.apikey;

import io.keyplane.support.FreshDatabaseResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link GithubSecretScanningTest} against the packaged application: the native executable's ECDSA with {@code -Dnative}. */
@QuarkusIntegrationTest
@WithTestResource(FreshDatabaseResource.class)
@WithTestResource(GithubScanning.KeysServer.class)
class GithubSecretScanningIT extends GithubSecretScanningTest {
}
