package io.keyplane.key;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.media.Schema;

import io.keyplane.common.PlainText;
import io.keyplane.common.RequestIds;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Patterns for the strings whose shape the credential core decides, wherever they appear (list items included, which
 * annotations cannot reach): scope grants, CIDR rules, request ids, actor ids; and the {@code format} of nullable ids
 * and timestamps, which the scanner drops beside {@code anyOf}. Names and descriptions in answers keep the rule their
 * requests were held to ({@code @PlainText}).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class OpenApiPatterns implements OASFilter {

    static final String GRANT = "^[a-z][a-z0-9_-]*:([a-z][a-z0-9_-]*|\\*)$";
    static final String CIDR = "^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$";
    static final String ACTOR = "^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|operator)$";
    static final String PLAIN_TEXT = PlainText.PATTERN;

    /** Property name, or "Schema.property", to the pattern of its strings (of its items, for a list). */
    private static final Map<String, String> PATTERNS = Map.ofEntries(
            Map.entry("scopes", GRANT), Map.entry("required_scopes", GRANT), Map.entry("allowed_cidrs", CIDR),
            Map.entry("request_id", "^" + RequestIds.WELL_FORMED_PATTERN + "$"),
            Map.entry("created_by", ACTOR), Map.entry("AuditActor.id", ACTOR),
            Map.entry("ApiKey.name", PLAIN_TEXT), Map.entry("Workspace.name", PLAIN_TEXT),
            Map.entry("CreatedWorkspace.name", PLAIN_TEXT), Map.entry("ServiceAccount.name", PLAIN_TEXT),
            Map.entry("ServiceAccount.description", PLAIN_TEXT), Map.entry("Scope.description", PLAIN_TEXT));

    private static final Map<String, String> FORMATS = Map.of("#/components/schemas/Instant", "date-time",
            "#/components/schemas/UUID", "uuid");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null) {
            return;
        }
        openAPI.getComponents().getSchemas().forEach((schemaName, schema) -> {
            if (schema.getProperties() != null) {
                schema.getProperties().forEach((property, value) -> document(schemaName, property, value));
            }
        });
    }

    private static void document(String schemaName, String property, Schema value) {
        var pattern = PATTERNS.getOrDefault(schemaName + "." + property, PATTERNS.get(property));
        var strings = value.getItems() != null ? value.getItems() : value;
        if (pattern != null && isString(strings) && strings.getPattern() == null && strings.getFormat() == null) {
            strings.setPattern(pattern);
        }
        if (value.getFormat() == null && value.getAnyOf() != null) {
            value.getAnyOf().stream().map(Schema::getRef).filter(ref -> ref != null && FORMATS.containsKey(ref)).findFirst()
                    .ifPresent(ref -> value.setFormat(FORMATS.get(ref)));
        }
    }

    private static boolean isString(Schema schema) {
        return schema.getType() != null && schema.getType().contains(SchemaType.STRING)
                && schema.getEnumeration() == null;
    }
}
