package io.keyplane.verify;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Documents {@link VerifyRoute}, a Vert.x route the scanner cannot see. Its request and answers are the
 * {@code VerifyDtos} records, which the scanner puts under components by their {@code @Schema} names. It runs before
 * the shared filters (higher priority), which add the bearer requirement, the problem bodies, rate-limit headers and
 * examples every operation gets.
 */
@OpenApiFilter(value = OpenApiFilter.RunStage.BUILD, priority = 100)
public class VerifyOpenApi implements OASFilter {

    static final String TAG = "Verification";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        var description = "The hot path gateways call on every request of their own users";
        var tag = openAPI.getTags() == null ? null
                : openAPI.getTags().stream().filter(t -> TAG.equals(t.getName())).findFirst().orElse(null);
        if (tag == null) {
            openAPI.addTag(OASFactory.createTag().name(TAG).description(description));
        } else {
            tag.setDescription(description); // whoami's resource names the tag too
        }
        var verify = OASFactory.createOperation().addTag(TAG).operationId("verifyKey").summary("Verify a key")
                .description("Needs a ServiceKey with `keys:verify` (or the operator). Always 200 for a well-formed "
                        + "request; `code` says why a key is not valid. A key of another workspace than the verifier's "
                        + "is NOT_FOUND. A key with `allowed_cidrs` needs `source_ip`. Every verification updates the "
                        + "key's `last_used_at` and usage history (asynchronously, within about a second). A key with "
                        + "credits spends `cost` of them on a VALID use (after the rate limit passed); too few left is "
                        + "USAGE_EXCEEDED and nothing is spent. While the database cannot be reached, keys this replica "
                        + "has cached keep verifying (for at most the cache TTL) and any other key is 503, never "
                        + "NOT_FOUND.")
                .requestBody(OASFactory.createRequestBody().required(true).content(json(OASFactory.createSchema()
                        .ref("#/components/schemas/VerifyRequest"))))
                .responses(OASFactory.createAPIResponses().addAPIResponse("200", OASFactory.createAPIResponse()
                        .description("VALID or INSUFFICIENT_SCOPE carry the key's details; other codes only `valid` "
                                + "and `code` (RATE_LIMITED adds `rate_limit`, USAGE_EXCEEDED `credits`)")
                        .content(json(OASFactory.createSchema().oneOf(java.util.List.of(
                                OASFactory.createSchema().ref("#/components/schemas/VerifyResponse"),
                                OASFactory.createSchema().ref("#/components/schemas/VerifyFailure")))))));
        var paths = openAPI.getPaths() == null ? OASFactory.createPaths() : openAPI.getPaths();
        // where the scanner would have put it: before the first path that sorts after it
        var ordered = new java.util.LinkedHashMap<String, org.eclipse.microprofile.openapi.models.PathItem>();
        var item = OASFactory.createPathItem().POST(verify);
        var existing = paths.getPathItems() == null ? java.util.Map.<String, org.eclipse.microprofile.openapi.models.PathItem>of()
                : paths.getPathItems();
        existing.forEach((path, pathItem) -> {
            if (!ordered.containsKey(VerifyRoute.PATH) && path.compareTo(VerifyRoute.PATH) > 0) {
                ordered.put(VerifyRoute.PATH, item);
            }
            ordered.put(path, pathItem);
        });
        ordered.putIfAbsent(VerifyRoute.PATH, item);
        paths.setPathItems(ordered);
        openAPI.setPaths(paths);
    }

    private static org.eclipse.microprofile.openapi.models.media.Content json(
            org.eclipse.microprofile.openapi.models.media.Schema schema) {
        return OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType().schema(schema));
    }
}
