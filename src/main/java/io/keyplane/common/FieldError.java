package io.keyplane.common;

/** One entry of a problem's {@code errors} array. */
public record FieldError(String field, String message) {
}
