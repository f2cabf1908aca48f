package io.keyplane.common;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** One clock for the application; timestamps are kept to the millisecond, as PostgreSQL stores and clients compare them. */
public class Clocks {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.tickMillis(java.time.ZoneOffset.UTC);
    }
}
