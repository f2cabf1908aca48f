package io.keyplane.common;

import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads bodies whose meaning depends on which fields are present (PATCH: absent = unchanged, null = clear),
 * with the same rules as typed bodies: unknown fields and wrong types are 400, bean validation applies.
 */
@Singleton
public class JsonBodies {

    private final ObjectMapper json;
    private final Validator validator;

    @Inject
    JsonBodies(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /** A typed view of a JSON object plus the names of the fields it really contained. */
    public record Patch<T>(T value, Set<String> present) {
        public boolean has(String field) {
            return present.contains(field);
        }
    }

    public <T> Patch<T> patch(JsonNode body, Class<T> type) {
        if (body == null || !body.isObject()) {
            throw KeyplaneException.validation("body", "must be a JSON object");
        }
        try {
            T value = json.treeToValue(body, type);
            var violations = validator.validate(value);
            if (!violations.isEmpty()) {
                throw new ConstraintViolationException(violations);
            }
            var present = new TreeSet<String>();
            Iterator<String> names = body.fieldNames();
            names.forEachRemaining(present::add);
            return new Patch<>(value, present);
        } catch (JsonProcessingException e) {
            throw KeyplaneException.validation(java.util.List.of(ProblemMappers.fieldError(e)));
        }
    }

    /** An optional body: empty means {@code null}; otherwise the same rules as a typed body. */
    public <T> T optional(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return patch(json.readTree(body), type).value();
        } catch (JsonProcessingException e) {
            throw KeyplaneException.validation(java.util.List.of(ProblemMappers.fieldError(e)));
        }
    }

    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable", e);
        }
    }
}
