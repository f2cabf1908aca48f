package io.keyplane.common;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Answers counted by HTTP status under one metric name, with a {@code status} tag; each status registered on first use. */
public final class StatusCounts {

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final Map<Integer, Counter> counters = new ConcurrentHashMap<>();

    public StatusCounts(MeterRegistry registry, String name, String description) {
        this.registry = registry;
        this.name = name;
        this.description = description;
    }

    public void increment(int status) {
        counters.computeIfAbsent(status, s -> Counter.builder(name).description(description)
                .tag("status", String.valueOf(s)).register(registry)).increment();
    }
}
