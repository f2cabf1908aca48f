package io.keyplane.gateway;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Rule globs, path normalisation and key sources, without a server. */
class PolicyMatchingTest {

    static final CompiledPolicy POLICY = CompiledPolicy.of(UUID.randomUUID(), List.of(
            new PolicyDtos.Rule("get", "/databases/**", List.of("database:read")),
            new PolicyDtos.Rule("POST", "/databases/*/query", List.of("query:execute")),
            new PolicyDtos.Rule("*", "/databases/**", List.of("database:write")),
            new PolicyDtos.Rule("GET", "/", List.of())), null);

    static String scopesFor(String method, String path) {
        var rule = POLICY.match(method, OriginalRequest.normalise(path));
        return rule == null ? null : String.join(" ", rule.scopes());
    }

    @Test
    void theFirstMatchingRuleDecides() {
        assertThat(scopesFor("GET", "/databases"), is("database:read")); // ** matches no segment too
        assertThat(scopesFor("GET", "/databases/a/tables/b"), is("database:read"));
        assertThat(scopesFor("POST", "/databases/a/query"), is("query:execute"));
        assertThat(scopesFor("POST", "/databases/a/b/query"), is("database:write")); // * is one segment
        assertThat(scopesFor("DELETE", "/databases/a"), is("database:write"));
        assertThat(scopesFor("GET", "/"), is(""));
    }

    @Test
    void aRequestNoRuleMatchesIsDenied() {
        assertThat(scopesFor("GET", "/other"), nullValue());
        assertThat(scopesFor("POST", "/"), nullValue());
        assertThat(scopesFor("GET", "/databasesx"), nullValue());
    }

    @Test
    void pathsAreNormalisedBeforeMatching() {
        assertThat(OriginalRequest.normalise("/a/./b//c/"), is(List.of("a", "b", "c")));
        assertThat(OriginalRequest.normalise("/a/b/../c"), is(List.of("a", "c")));
        assertThat(OriginalRequest.normalise("/a/%252e%252e"), is(List.of("a", "%2e%2e"))); // only once
        assertThat(OriginalRequest.normalise("/a/%41.b"), is(List.of("a", "A.b")));
        assertThat(OriginalRequest.normalise("/caf%C3%A9"), is(List.of("café")));
        assertThat(OriginalRequest.normalise("http://api.example.com/a/b"), is(List.of("a", "b")));
        assertThat(scopesFor("GET", "/public/../databases/x"), is("database:read"));
    }

    @Test
    void pathsThatEscapeTheRootOrAreMalformedAreRefused() {
        for (var bad : List.of("/..", "/a/../..", "/%2e%2e/etc", "/a/%zz", "/a/%", "/a%00b", "/a%0Ab", "/%C3", "relative/x",
                "/public/..;/admin", "/a;v=1/b", "/a/%3B", "/a\\b", "/a%5Cb", "/a".repeat(OriginalRequest.MAX_SEGMENTS + 1),
                // what an upstream could route differently (API.md 10.1): encoded separators and dot segments, fragments
                "/a%2Fb", "/a%2fb", "/admin/users/..%2F..%2Fpublic/x", "/a/%2e%2E/b", "/a/.%2e/b", "/a/%2E./b", "/a/%2e/b",
                "/a/%2e", "/public/x#/../../admin", "/public#", "/a%23b", "/a/%23")) {
            assertThat(bad, OriginalRequest.normalise(bad), nullValue());
        }
        assertThat(OriginalRequest.normalise("/a".repeat(OriginalRequest.MAX_SEGMENTS)).size(), is(OriginalRequest.MAX_SEGMENTS));
    }

    @Test
    void manyDoubleStarsMatchInLinearSteps() {
        // backtracking into every ** would take ~128^6 steps here; one backtrack point takes glob x path
        var glob = "/**/**/**/**/**/**/z".substring(1).split("/");
        var path = java.util.Collections.nCopies(OriginalRequest.MAX_SEGMENTS, "a");
        assertThat(CompiledPolicy.matches(glob, path), is(false));
        var withZ = new java.util.ArrayList<>(path);
        withZ.set(withZ.size() - 1, "z");
        assertThat(CompiledPolicy.matches(glob, withZ), is(true));
        assertThat(CompiledPolicy.matches("a/**/b/*/c".split("/"), List.of("a", "x", "b", "y", "b", "q", "c")), is(true));
        assertThat(CompiledPolicy.matches("a/**/b/*/c".split("/"), List.of("a", "b", "q", "q", "c")), is(false));
        assertThat(CompiledPolicy.matches("**".split("/"), List.of()), is(true));
    }

    @Test
    void aGetRuleCoversHead() {
        assertThat(scopesFor("HEAD", "/databases/a"), is("database:read"));
        assertThat(scopesFor("HEAD", "/"), is(""));
    }

    @Test
    void globsAreValidatedAsWholeSegments() {
        var glob = Pattern.compile(PolicyDtos.PATH_GLOB);
        for (var good : List.of("/", "/a", "/a/*", "/a/**", "/**", "/a/*/b", "/v1/users.json", "/a-b_c~d")) {
            assertThat(good, glob.matcher(good).matches(), is(true));
        }
        for (var bad : List.of("", "a", "/a/", "/a*", "/a/*b", "/a/***", "/a/../b", "/./a", "/a//b", "/a b", "/a?x", "/%2e")) {
            assertThat(bad, glob.matcher(bad).matches(), is(false));
        }
    }

    @Test
    void keySourcesReadTheirPlace() {
        assertThat(KeySource.parse(null), is(new KeySource(KeySource.Kind.AUTHORIZATION, null)));
        assertThat(KeySource.parse("header:X-Api-Key"), is(new KeySource(KeySource.Kind.HEADER, "X-Api-Key")));
        assertThat(KeySource.parse("query:api_key"), is(new KeySource(KeySource.Kind.QUERY, "api_key")));
        var query = KeySource.parse("query:api_key");
        assertThat(query.read(null, "a=1&api_key=kp_live_x%5Fy&b=2"), is("kp_live_x_y"));
        assertThat(query.read(null, "api_keyx=1&xapi_key=2"), nullValue());
        assertThat(query.read(null, null), nullValue());
        org.junit.jupiter.api.Assertions.assertThrows(OriginalRequest.Ambiguous.class,
                () -> query.read(null, "api_key=kp_1&api_key=kp_2"));
    }
}
