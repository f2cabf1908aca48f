package io.keyplane.common;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One entry of a problem's {@code errors} array. */
@Schema(name = "FieldError")
public record FieldError(
        @Schema(description = "The field's JSON name (or `body`, a header or query parameter)", maxLength = 200) String field,
        @Schema(maxLength = 1000) String message) {
}
