package io.keyplane.support;

import java.util.HashMap;
import java.util.Map;

import io.keyplane.common.KeyplaneConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Keyplane's settings as SmallRye Config maps them, from every default and these values: for plain unit tests. */
public final class Settings {

    private Settings() {
    }

    public static KeyplaneConfig of(Map<String, String> values) {
        var all = new HashMap<>(values);
        return new SmallRyeConfigBuilder().withMapping(KeyplaneConfig.class)
                .withConverter(java.time.Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(all, "unit test", 100)).build()
                .getConfigMapping(KeyplaneConfig.class);
    }
}
