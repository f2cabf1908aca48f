package io.keyplane.verify;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.validation.Validator;

import org.junit.jupiter.api.Test;

import io.keyplane.key.KeyKind;
import io.keyplane.verify.VerifyDtos.VerifyRequest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The verify body skips the Validator when {@link VerifyRequest#plainlyValid()} says so: that must never pass a
 * body the Validator refuses, and should not send a valid body through it either. Every constraint at and just
 * past its bound, each on its own.
 */
@QuarkusTest
class VerifyRequestConstraintsTest {

    @Inject
    Validator validator;

    static final String KEY = "kp_live_x";

    static VerifyRequest body(List<String> scopes, String sourceIp, String method, String path, String userAgent,
            List<KeyKind> kinds, Long cost) {
        return new VerifyRequest(KEY, scopes, sourceIp, method, path, userAgent, kinds, cost);
    }

    static String chars(int n) {
        return "a".repeat(n);
    }

    @Test
    void plainlyValidAgreesWithTheValidatorAtEveryBound() {
        var bodies = new ArrayList<VerifyRequest>();
        bodies.add(body(null, null, null, null, null, null, null));
        bodies.add(new VerifyRequest(null, null, null, null, null, null, null, null));
        for (int n : new int[] { 0, 50, 51 }) {
            bodies.add(body(Collections.nCopies(n, "a:b"), null, null, null, null, null, null));
        }
        bodies.add(body(List.of(chars(100)), null, null, null, null, null, null));
        bodies.add(body(List.of(chars(101)), null, null, null, null, null, null));
        bodies.add(body(Arrays.asList("a:b", null), null, null, null, null, null, null));
        for (int n : new int[] { 64, 65 }) {
            bodies.add(body(null, chars(n), null, null, null, null, null));
        }
        for (int n : new int[] { 16, 17 }) {
            bodies.add(body(null, null, chars(n), null, null, null, null));
        }
        for (int n : new int[] { 2048, 2049 }) {
            bodies.add(body(null, null, null, chars(n), null, null, null));
        }
        for (int n : new int[] { 512, 513 }) {
            bodies.add(body(null, null, null, null, chars(n), null, null));
        }
        bodies.add(body(null, null, null, null, null, List.of(), null));
        bodies.add(body(null, null, null, null, null, List.of(KeyKind.API), null));
        bodies.add(body(null, null, null, null, null, List.of(KeyKind.API, KeyKind.INGEST, KeyKind.SERVICE), null));
        bodies.add(body(null, null, null, null, null,
                List.of(KeyKind.API, KeyKind.INGEST, KeyKind.SERVICE, KeyKind.API), null));
        bodies.add(body(null, null, null, null, null, Arrays.asList(KeyKind.API, null), null));
        for (long cost : new long[] { -1, 0, 1, 1_000_000_000L, 1_000_000_001L }) {
            bodies.add(body(null, null, null, null, null, null, cost));
        }
        int valid = 0;
        for (var body : bodies) {
            boolean validatorSays = validator.validate(body).isEmpty();
            assertThat(body.toString().substring(0, Math.min(200, body.toString().length())), body.plainlyValid(),
                    is(validatorSays));
            valid += validatorSays ? 1 : 0;
        }
        assertThat("the corpus has both kinds", valid > 5 && valid < bodies.size() - 5, is(true));
    }
}
