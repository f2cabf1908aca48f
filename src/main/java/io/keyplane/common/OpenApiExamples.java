package io.keyplane.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Gives every JSON request body and every JSON 2xx answer of /api/v1 an example, composed from the examples of its
 * schema's fields (enums take their first value, ids and times a fixed sample), so each operation shows what it
 * takes and answers without examples written twice ({@link OpenApiProblems} gives the refusals theirs).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class OpenApiExamples implements OASFilter {

    private static final int MAX_DEPTH = 16; // references count as a level; no schema here is recursive
    private static final String KEY = "kp_live_" + "7Hq2vN9xKfR3mT8pL1wZ4cY6bJ0dS5gA2eU9iO3nQ7h" + "4Kd9Zx";
    private static final String HEX = "9f2c".repeat(16);
    /** Request fields that exclude each other: an example keeps the first of each pair. */
    private static final Map<String, String> EXCLUSIVE = Map.of("expires_in_days", "expires_at", "tier", "rate_limit");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        var components = openAPI.getComponents();
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.getOperations().values().forEach(op -> document(op, components));
            }
        });
    }

    private static void document(Operation op, Components components) {
        if (op.getRequestBody() != null) {
            exemplify(op.getRequestBody().getContent(), components);
            op.getRequestBody().getContent().getMediaTypes().values().forEach(media -> {
                if (media.getExample() instanceof Map<?, ?> body) {
                    EXCLUSIVE.forEach((kept, dropped) -> {
                        if (body.containsKey(kept)) {
                            body.remove(dropped);
                        }
                    });
                }
            });
        }
        if (op.getResponses() != null && op.getResponses().getAPIResponses() != null) {
            op.getResponses().getAPIResponses().forEach((status, response) -> {
                if (status.startsWith("2")) {
                    exemplify(response.getContent(), components);
                }
            });
        }
    }

    private static void exemplify(Content content, Components components) {
        if (content == null || content.getMediaTypes() == null) {
            return;
        }
        content.getMediaTypes().forEach((type, media) -> {
            if (type.endsWith("json") && media.getExample() == null && media.getSchema() != null) {
                media.setExample(example(media.getSchema(), components, 0, ""));
            }
        });
    }

    /** An example of {@code schema}; {@code name} is the field it describes, for strings without a format. */
    static Object example(Schema schema, Components components, int depth, String name) {
        if (schema.getRef() != null) {
            var component = schema.getRef().substring(schema.getRef().lastIndexOf('/') + 1);
            var target = components == null || components.getSchemas() == null ? null
                    : components.getSchemas().get(component);
            return target == null || depth > MAX_DEPTH ? null : example(target, components, depth + 1, name);
        }
        if (schema.getExample() != null) {
            return schema.getExample();
        }
        if (schema.getExamples() != null && !schema.getExamples().isEmpty()) {
            return schema.getExamples().get(0);
        }
        if (schema.getEnumeration() != null && !schema.getEnumeration().isEmpty()) {
            return schema.getEnumeration().get(0);
        }
        for (var alternatives : List.of(nonNull(schema.getAnyOf()), nonNull(schema.getOneOf()), nonNull(schema.getAllOf()))) {
            for (var alternative : alternatives) {
                if (!List.of(SchemaType.NULL).equals(alternative.getType())) {
                    return example(alternative, components, depth + 1, name);
                }
            }
        }
        var types = schema.getType() == null ? List.<SchemaType>of() : schema.getType();
        if (types.contains(SchemaType.ARRAY)) {
            var item = schema.getItems() == null ? null : example(schema.getItems(), components, depth + 1, name);
            return item == null ? List.of() : new ArrayList<>(List.of(item));
        }
        if (types.contains(SchemaType.OBJECT) || schema.getProperties() != null) {
            var object = new LinkedHashMap<String, Object>();
            if (schema.getProperties() != null && depth <= MAX_DEPTH) {
                schema.getProperties().forEach((field, property) ->
                        object.put(field, example(property, components, depth + 1, field)));
            }
            return object;
        }
        if (types.contains(SchemaType.INTEGER) || types.contains(SchemaType.NUMBER)) {
            return schema.getMinimum() != null ? schema.getMinimum().max(java.math.BigDecimal.ONE).longValue() : 1;
        }
        if (types.contains(SchemaType.BOOLEAN)) {
            return true;
        }
        if (types.contains(SchemaType.STRING)) {
            return string(schema, name);
        }
        return null;
    }

    /** A string that fits the schema's format or one of the patterns this API uses. */
    private static String string(Schema schema, String name) {
        if ("uuid".equals(schema.getFormat())) {
            return "3fa85f64-5717-4562-b3fc-2c963f66afa6";
        }
        if ("date-time".equals(schema.getFormat())) {
            return "2026-01-15T09:30:00Z";
        }
        var pattern = schema.getPattern() == null ? "" : schema.getPattern();
        if (pattern.startsWith("^kp_")) {
            return KEY;
        }
        if (pattern.contains("[0-9a-f]")) {
            return HEX;
        }
        if (pattern.contains(":[a-z]")) {
            return "database:read";
        }
        return switch (name) {
            case "key" -> KEY;
            case "scopes", "required_scopes" -> "database:read";
            case "allowed_cidrs" -> "203.0.113.0/24";
            case "source_ip" -> "203.0.113.7";
            case "created_by", "id", "actor_id", "target_id" -> "3fa85f64-5717-4562-b3fc-2c963f66afa6";
            case "description" -> "Nightly reports";
            case "user_agent" -> "curl/8.5.0";
            case "method" -> "GET";
            case "path" -> "/reports";
            case "request_id" -> "5d1c0b6e-8a55-4f4e-9d1a-3c2e7f0b9a41";
            default -> "Reporting";
        };
    }

    private static List<Schema> nonNull(List<Schema> list) {
        return list == null ? List.of() : list;
    }
}
