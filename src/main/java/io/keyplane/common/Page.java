package io.keyplane.common;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

/** One page of a newest-first list; the next page is announced in a Link header (API.md 4.3). */
public record Page<T>(List<T> items, String nextCursor) {

    /** Builds a page from up to limit+1 rows: the extra row only proves there is a next page. */
    public static <E> Page<E> of(List<E> rows, int limit, Function<E, Instant> at, Function<E, Object> id) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        var items = rows.subList(0, limit);
        var last = items.get(limit - 1);
        return new Page<>(List.copyOf(items), PageRequest.cursorOf(at.apply(last), id.apply(last)));
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), nextCursor);
    }

    public RestResponse<List<T>> toResponse(UriInfo uri) {
        var response = RestResponse.ResponseBuilder.ok(items);
        if (nextCursor != null) {
            var next = uri.getRequestUriBuilder().replaceQueryParam("cursor", nextCursor).build();
            response.header("Link", "<" + next + ">; rel=\"next\"");
        }
        return response.build();
    }
}
