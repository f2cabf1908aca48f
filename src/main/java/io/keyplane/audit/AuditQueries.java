package io.keyplane.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestQuery;

import io.keyplane.common.FieldError;
import io.keyplane.common.KeyplaneException;
import io.keyplane.common.PageRequest;

/**
 * The audit log's query parameters, each read by REST into a value that knows whether it parsed (its converter never
 * throws), so that one 400 names every bad parameter at once.
 */
public final class AuditQueries {

    private static final List<String> OUTCOMES = List.of("success", "denied");

    private AuditQueries() {
    }

    /** An RFC 3339 timestamp (a date, a time and a UTC offset; lower-case t and z too), or what was sent instead. */
    public record Timestamp(String sent, Instant value) {
        public static Timestamp fromString(String sent) {
            try {
                return new Timestamp(sent, OffsetDateTime.parse(sent.trim().toUpperCase(Locale.ROOT)).toInstant());
            } catch (DateTimeParseException e) {
                return new Timestamp(sent, null);
            }
        }
    }

    /** A positive seq, or what was sent instead. */
    public record Seq(String sent, Long value) {
        public static Seq fromString(String sent) {
            try {
                long parsed = Long.parseLong(sent.trim());
                return new Seq(sent, parsed >= 1 ? parsed : null);
            } catch (NumberFormatException e) {
                return new Seq(sent, null);
            }
        }
    }

    /** {@code GET .../audit-log}: the filters and the page. */
    public record ListQuery(
            @RestQuery @Schema(maxLength = 64, pattern = "^[a-z_]+\\.[a-z_]+$") String action,
            @RestQuery("actor_id") @Schema(maxLength = 36, pattern = "^([0-9a-fA-F-]{36}|operator)$") String actorId,
            @RestQuery("target_id") @Schema(maxLength = 255) String targetId,
            @RestQuery @Schema(enumeration = { "success", "denied" }) String outcome,
            @RestQuery @Parameter(description = "RFC 3339, inclusive", example = "2026-01-15T09:30:00Z",
                    schema = @Schema(type = SchemaType.STRING, format = "date-time", maxLength = 35)) Timestamp since,
            @RestQuery @Parameter(description = "RFC 3339, exclusive", example = "2026-01-16T00:00:00Z",
                    schema = @Schema(type = SchemaType.STRING, format = "date-time", maxLength = 35)) Timestamp until,
            @RestQuery String limit,
            @RestQuery String cursor) {

        /** The filter and the page, every parameter checked; 400 naming each bad one. */
        Checked checked() {
            var errors = new ArrayList<FieldError>();
            var page = page(errors);
            if (outcome != null && !OUTCOMES.contains(outcome)) {
                errors.add(new FieldError("outcome", "must be one of " + OUTCOMES));
            }
            var from = instant(errors, "since", since);
            var to = instant(errors, "until", until);
            if (from != null && to != null && from.isAfter(to)) {
                errors.add(new FieldError("since", "must not be after until"));
            }
            if (!errors.isEmpty()) {
                throw KeyplaneException.validation(errors);
            }
            return new Checked(new AuditRepository.Filter(action, actorId, targetId, outcome, from, to), page);
        }

        private PageRequest page(List<FieldError> errors) {
            try {
                var request = PageRequest.of(limit, cursor);
                if (request.hasCursor()) {
                    request.afterLong(); // a cursor of another list is refused here, not after the query starts
                }
                return request;
            } catch (KeyplaneException e) {
                if (e.errors() == null) {
                    throw e;
                }
                errors.addAll(e.errors());
                return null;
            }
        }

        record Checked(AuditRepository.Filter filter, PageRequest page) {
        }
    }

    /** Both ends inclusive; {@code to} null: up to the head when the export starts. */
    record SeqRange(long from, Long to) {
    }

    /** {@code GET .../audit-log/export}: the seq range. */
    public record ExportQuery(
            @RestQuery("from_seq") @Parameter(description = "First seq, inclusive; default 1", schema = @Schema(
                    type = SchemaType.INTEGER, format = "int64", minimum = "1", maximum = "9223372036854775807")) Seq fromSeq,
            @RestQuery("to_seq") @Parameter(description = "Last seq, inclusive; default the head", schema = @Schema(
                    type = SchemaType.INTEGER, format = "int64", minimum = "1", maximum = "9223372036854775807")) Seq toSeq) {

        /** The first and last seq (the last null: the head), checked; 400 naming each bad one. */
        SeqRange range() {
            var errors = new ArrayList<FieldError>();
            var from = seq(errors, "from_seq", fromSeq);
            var to = seq(errors, "to_seq", toSeq);
            if (from != null && to != null && from > to) {
                errors.add(new FieldError("from_seq", "must not be greater than to_seq"));
            }
            if (!errors.isEmpty()) {
                throw KeyplaneException.validation(errors);
            }
            return new SeqRange(from == null ? 1 : from, to);
        }
    }

    private static Instant instant(List<FieldError> errors, String field, Timestamp timestamp) {
        if (timestamp == null) {
            return null;
        }
        if (timestamp.value() == null) {
            errors.add(new FieldError(field, "must be an RFC 3339 timestamp, e.g. 2026-01-15T09:30:00Z"));
        }
        return timestamp.value();
    }

    private static Long seq(List<FieldError> errors, String field, Seq seq) {
        if (seq == null) {
            return null;
        }
        if (seq.value() == null) {
            errors.add(new FieldError(field, "must be a positive integer"));
        }
        return seq.value();
    }
}
