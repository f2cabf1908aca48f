package io.keyplane.audit;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.keyplane.support.TestWorkspace;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Reads a workspace's audit log over HTTP, all pages, for assertions on the events one request wrote. */
final class AuditTrail {

    private AuditTrail() {
    }

    static String requestId() {
        return "audit-test-" + UUID.randomUUID();
    }

    static RequestSpecification as(String token, String requestId) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).header("X-Request-Id", requestId);
    }

    /** Every event of the workspace, newest first, following the Link header. */
    static List<Map<String, Object>> all(TestWorkspace ws) {
        var events = new ArrayList<Map<String, Object>>();
        String next = ws.path("/audit-log?limit=200");
        while (next != null) {
            var response = given().auth().oauth2(ws.ownerKey()).get(next).then().statusCode(200).extract();
            events.addAll(response.jsonPath().getList("$"));
            var link = response.header("Link");
            next = link == null ? null : link.substring(link.indexOf('<') + 1, link.indexOf('>'));
        }
        return events;
    }

    /** The events written by the request with this X-Request-Id, oldest first. */
    static List<Map<String, Object>> byRequest(TestWorkspace ws, String requestId) {
        var events = new ArrayList<>(all(ws).stream().filter(e -> requestId.equals(e.get("request_id"))).toList());
        java.util.Collections.reverse(events);
        return events;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> event, String field) {
        return (Map<String, Object>) event.get(field);
    }
}
