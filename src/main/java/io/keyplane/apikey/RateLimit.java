package io.keyplane.apikey;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** At most {@code limit} uses per {@code window_seconds}; absent means unlimited. */
@Schema(name = "RateLimit")
public record RateLimit(
        @NotNull @Min(1) @Max(1_000_000_000) Integer limit,
        @NotNull @Min(1) @Max(86_400) Integer windowSeconds) {

    public static RateLimit of(Integer limit, Integer windowSeconds) {
        return limit == null ? null : new RateLimit(limit, windowSeconds);
    }
}
