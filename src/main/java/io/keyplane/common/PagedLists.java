package io.keyplane.common;

import java.math.BigDecimal;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * The paging convention of every list (API.md 4.3), documented from {@link PageRequest}'s own bounds: {@code limit}
 * 1 to {@link PageRequest#MAX_LIMIT}, an opaque base64url {@code cursor}, and at most that many items per page.
 */
final class PagedLists {

    /** A cursor is base64url of "epoch millis:id" (PageRequest.cursorOf): well under this. */
    static final int MAX_CURSOR_LENGTH = 200;

    private PagedLists() {
    }

    static void document(Operation op) {
        if (op.getParameters() == null || op.getParameters().stream().noneMatch(p -> "limit".equals(p.getName()))) {
            return;
        }
        for (var parameter : op.getParameters()) {
            if ("limit".equals(parameter.getName())) {
                parameter.schema(OASFactory.createSchema().addType(SchemaType.INTEGER).format("int32")
                        .minimum(BigDecimal.ONE).maximum(BigDecimal.valueOf(PageRequest.MAX_LIMIT))
                        .defaultValue(PageRequest.DEFAULT_LIMIT));
            } else if ("cursor".equals(parameter.getName())) {
                parameter.schema(OASFactory.createSchema().addType(SchemaType.STRING).maxLength(MAX_CURSOR_LENGTH)
                        .pattern("^[A-Za-z0-9_-]+$")).description("Opaque; from the `Link: rel=\"next\"` header");
            }
        }
        var ok = op.getResponses().getAPIResponse("200");
        if (ok != null && ok.getContent() != null) {
            ok.getContent().getMediaTypes().values().stream().map(m -> m.getSchema())
                    .filter(PagedLists::isArray).forEach(s -> s.maxItems(s.getMaxItems() == null ? PageRequest.MAX_LIMIT
                            : Math.min(s.getMaxItems(), PageRequest.MAX_LIMIT))); // a workspace's cap may be lower
        }
    }

    private static boolean isArray(Schema schema) {
        return schema != null && schema.getType() != null && schema.getType().contains(SchemaType.ARRAY);
    }
}
