package io.keyplane.common;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The one place where failures become RFC 9457 problems (API.md section 2): for REST endpoints as exception mappers,
 * and for Vert.x routes below the REST layer (verify, forward-auth, request ids) through {@link #answer} and
 * {@link #send}.
 */
public class ProblemMappers {

    public static final String BEARER_CHALLENGE = "Bearer realm=\"keyplane\", error=\"invalid_token\"";
    private static final ProblemMappers MAPPERS = new ProblemMappers();

    /**
     * The answer to a failure of a request served below the REST layer (verify's route): the mapper REST would
     * pick for it, the most specific type first.
     */
    public static RestResponse<Problem> answer(Throwable failure, HttpServerRequest request) {
        if (failure instanceof KeyplaneException e) {
            return MAPPERS.domain(e, request);
        }
        if (failure instanceof AuthenticationFailedException e) {
            return MAPPERS.authenticationFailed(e, request);
        }
        if (failure instanceof UnauthorizedException e) {
            return MAPPERS.unauthorized(e, request);
        }
        if (failure instanceof ForbiddenException e) {
            return MAPPERS.forbidden(e, request);
        }
        if (failure instanceof JsonProcessingException e) {
            return MAPPERS.json(e, request);
        }
        if (failure instanceof ConstraintViolationException e) {
            return MAPPERS.beanValidation(e, request);
        }
        return failure instanceof WebApplicationException e ? MAPPERS.web(e, request) : MAPPERS.unexpected(failure, request);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> domain(KeyplaneException e, HttpServerRequest request) {
        var response = problem(e.status(), e.code(), e.getMessage(), request, e.errors(), e.requiredScopes(), e.limit());
        if (e.status() == 401) {
            response.getHeaders().putSingle(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        if (e.retryAfterSeconds() != null) {
            response.getHeaders().putSingle(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        }
        return response;
    }

    /**
     * Writes a problem as a route's answer, headers and body, unless the response has already ended. What cannot be
     * written as JSON (never expected) ends the response without a body.
     */
    public static void send(RoutingContext rc, RestResponse<Problem> problem, ObjectMapper json) {
        var response = rc.response();
        if (response.ended()) {
            return;
        }
        response.setStatusCode(problem.getStatus());
        problem.getHeaders().forEach((name, values) -> values.forEach(value -> response.headers().add(name,
                String.valueOf(value))));
        response.putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        try {
            response.end(Buffer.buffer(json.writeValueAsBytes(problem.getEntity())));
        } catch (JsonProcessingException e) {
            Log.error("Could not write a problem", e);
            response.end();
        }
    }

    /** A bearer token that was refused: the problem its identity provider attached (401 or 429). */
    @ServerExceptionMapper
    public RestResponse<Problem> authenticationFailed(AuthenticationFailedException e, HttpServerRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationFailedException failed
                    && failed.getAttribute(KeyplaneException.SECURITY_ATTRIBUTE) instanceof KeyplaneException problem) {
                return domain(problem, request);
            }
        }
        return domain(KeyplaneException.unauthenticated("invalid_token",
                "The bearer token is not a valid Keyplane credential"), request);
    }

    /** An endpoint that needs a caller, called without a bearer token. */
    @ServerExceptionMapper
    public RestResponse<Problem> unauthorized(UnauthorizedException e, HttpServerRequest request) {
        return domain(KeyplaneException.unauthenticated("missing_credentials", "Send Authorization: Bearer <token>"),
                request);
    }

    /** Refusals carry their own code (AccessRules); this is the fallback should a check only say no. */
    @ServerExceptionMapper
    public RestResponse<Problem> forbidden(ForbiddenException e, HttpServerRequest request) {
        return domain(KeyplaneException.forbidden("forbidden", "The credential may not do this"), request);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> json(JsonProcessingException e, HttpServerRequest request) {
        return problem(400, "validation_failed", "The request body is not valid JSON for this operation", request,
                List.of(fieldError(e)), null);
    }

    // more specific than quarkus-rest-jackson's built-in mapper, which would answer application/json
    @ServerExceptionMapper
    public RestResponse<Problem> mismatchedInput(MismatchedInputException e, HttpServerRequest request) {
        return json(e, request);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> beanValidation(ConstraintViolationException e, HttpServerRequest request) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(fieldOf(v), v.getMessage()))
                .sorted((a, b) -> a.field().compareTo(b.field()))
                .collect(Collectors.toCollection(ArrayList::new));
        return problem(400, "validation_failed", "The request is not valid", request, errors, null);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> web(WebApplicationException e, HttpServerRequest request) {
        if (e.getCause() instanceof JsonProcessingException jsonError) {
            return json(jsonError, request);
        }
        if (e.getCause() instanceof KeyplaneException domainError) { // e.g. a malformed path id (PathIds)
            return domain(domainError, request);
        }
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400 -> "validation_failed";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "http_" + status;
        };
        String detail = switch (status) {
            case 400 -> "The request is not valid";
            case 404 -> "No such resource";
            case 415 -> "Send bodies as application/json";
            default -> Problem.titleOf(code);
        };
        if (status >= 500) {
            Log.error("Unhandled web exception", e);
        }
        return problem(status, code, detail, request, null, null);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unexpected(Throwable t, HttpServerRequest request) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectionPoolTooBusyException) {
                Log.warnf("Refused a request: %s", cause.getMessage());
                return domain(KeyplaneException.unavailable(1), request);
            }
        }
        if (DatabaseOutage.is(t)) {
            return domain(DatabaseOutage.answer(t), request);
        }
        Log.error("Unhandled exception", t); // the only stack trace we log; bodies never carry internals
        return problem(500, "internal_error", "An unexpected error occurred; quote the request_id when reporting it",
                request, null, null);
    }

    static RestResponse<Problem> problem(int status, String code, String detail, HttpServerRequest request,
            List<FieldError> errors, List<String> requiredScopes) {
        return problem(status, code, detail, request, errors, requiredScopes, null);
    }

    static RestResponse<Problem> problem(int status, String code, String detail, HttpServerRequest request,
            List<FieldError> errors, List<String> requiredScopes, Integer limit) {
        var body = new Problem("urn:keyplane:problem:" + code, Problem.titleOf(code), status, detail, request.path(),
                code, RequestIds.of(request), errors, requiredScopes, limit);
        return RestResponse.ResponseBuilder.<Problem>ok().status(status).entity(body).type(Problem.MEDIA_TYPE).build();
    }

    static FieldError fieldError(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping)) {
            return new FieldError("body", "malformed JSON");
        }
        var path = jsonPath(mapping);
        if (e instanceof UnrecognizedPropertyException) {
            return new FieldError(path, "unknown field");
        }
        if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
            return new FieldError(path.isEmpty() ? "body" : path, "wrong type or malformed value");
        }
        return new FieldError(path.isEmpty() ? "body" : path, "invalid value");
    }

    private static String jsonPath(JsonMappingException e) {
        var sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** "create.body.expiresAt" becomes "expires_at": the JSON name a client sent. */
    private static String fieldOf(ConstraintViolation<?> v) {
        var nodes = new ArrayList<String>();
        for (var node : v.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.PARAMETER) {
                continue;
            }
            if (node.isInIterable() && node.getIndex() != null && !nodes.isEmpty()) { // rules[0].method, scopes[1]
                nodes.set(nodes.size() - 1, nodes.get(nodes.size() - 1) + "[" + node.getIndex() + "]");
            }
            if (node.getKind() != ElementKind.CONTAINER_ELEMENT) {
                nodes.add(snakeCase(node.getName()));
            }
        }
        return nodes.isEmpty() ? "body" : String.join(".", nodes);
    }

    private static String snakeCase(String name) {
        return name == null ? "" : name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }
}
