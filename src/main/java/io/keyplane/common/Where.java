package io.keyplane.common;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/**
 * The where clause and named parameters of a Panache query built from optional filters, and the one place where
 * keyset paging is written: newest first, after the (time, id) position a cursor names.
 */
public final class Where {

    private final StringBuilder clause;
    private final Map<String, Object> params = new HashMap<>();

    private Where(String condition) {
        this.clause = new StringBuilder(condition);
    }

    /** {@code condition} names its parameter {@code :name}. */
    public static Where of(String condition, String name, Object value) {
        var where = new Where(condition);
        where.params.put(name, value);
        return where;
    }

    public static Where all() {
        return new Where("");
    }

    public Where and(String condition, String name, Object value) {
        and(condition);
        params.put(name, value);
        return this;
    }

    /** A condition without parameters (or whose parameters are added with {@link #param}). */
    public Where and(String condition) {
        clause.append(clause.isEmpty() ? "" : " and ").append(condition);
        return this;
    }

    public Where param(String name, Object value) {
        params.put(name, value);
        return this;
    }

    /** Adds {@code condition} only when {@code value} is not null: an absent filter does not filter. */
    public Where andIfPresent(String condition, String name, Object value) {
        return value == null ? this : and(condition, name, value);
    }

    /**
     * The next page of {@code repository}'s rows, newest first by ({@code timeField}, {@code idField}), read from
     * after the cursor's position; up to limit+1 rows, so {@link Page#of} can tell whether another page follows.
     */
    public <E> Uni<List<E>> newestFirst(PanacheRepositoryBase<E, ?> repository, PageRequest page, String timeField,
            String idField, Function<PageRequest, Object> cursorId) {
        if (page.hasCursor()) {
            and("(" + timeField + " < :cursorAt or (" + timeField + " = :cursorAt and " + idField + " < :cursorId))");
            params.put("cursorAt", page.afterAt());
            params.put("cursorId", cursorId.apply(page));
        }
        var order = " order by " + timeField + " desc, " + idField + " desc";
        return repository.find(clause.isEmpty() ? order.trim() : clause + order, params).range(0, page.limit()).list();
    }

    public String clause() {
        return clause.toString();
    }

    public Map<String, Object> params() {
        return params;
    }
}
