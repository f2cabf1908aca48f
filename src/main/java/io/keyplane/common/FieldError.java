package io.keyplane.common;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One entry of a problem's {@code errors} array. */
@Schema(name = "FieldError")
public record FieldError(
        @Schema(description = "The field's JSON name (or `body`, a header or query parameter); an unknown field is "
                + "named as sent", maxLength = 65536) String field,
        @Schema(maxLength = 65536) String message) {
}
