package io.keyplane.common;

import java.util.List;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * A nullable object property with a description comes out of the scanner as {@code type: object} beside
 * {@code anyOf: [$ref, {type: null}]}, and that {@code type} forbids the null the {@code anyOf} allows: drop it, so
 * the document accepts what the service sends (a key without credits has {@code "credits": null}).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class NullableObjects implements OASFilter {

    @Override
    public Schema filterSchema(Schema schema) {
        if (List.of(SchemaType.OBJECT).equals(schema.getType()) && schema.getAnyOf() != null
                && schema.getAnyOf().stream().anyMatch(s -> List.of(SchemaType.NULL).equals(s.getType()))) {
            schema.setType(null);
        }
        return schema;
    }
}
