package io.keyplane.common;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;

/** A name or description a person reads: no control characters (NUL, escapes, line breaks); 400 otherwise. */
@Pattern(regexp = PlainText.PATTERN, message = "must not contain control characters")
@Constraint(validatedBy = {})
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE,
        ElementType.ANNOTATION_TYPE })
public @interface PlainText {

    /** Also what the OpenAPI document says of such text in answers (key.OpenApiPatterns). */
    String PATTERN = "[^\\p{Cc}]*";

    String message() default "must not contain control characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
