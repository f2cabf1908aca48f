package io.keyplane.deploy;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The build docs/deploy.md "Build" makes (no -Ddev) carries no PostgreSQL binaries and no code that unpacks
 * or starts them: its runtime classpath, which this test runs on, has neither.
 */
@DisabledIfSystemProperty(named = "dev", matches = ".*", disabledReason = "the -Ddev first-run build adds them on purpose")
class ProductionArtifactTest {

    @Test
    void noEmbeddedPostgresLauncher() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.keyplane.dev.DevPostgres"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.keyplane.dev.EmbeddedPostgres"));
    }

    @Test
    void noPostgresBinariesAndNoArchiveUnpacking() {
        var loader = getClass().getClassLoader();
        for (var archive : new String[] { "postgres-linux-x86_64.txz", "postgres-linux-arm_64.txz",
                "postgres-darwin-x86_64.txz", "postgres-darwin-arm_64.txz" }) {
            assertNull(loader.getResource(archive), archive);
        }
        // the unpacker's own dependency; commons-compress is left out: Quarkus' test framework brings it to tests
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.tukaani.xz.XZInputStream"));
    }
}
