package io.keyplane.apikey;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The signature check against GitHub's own published example (docs.github.com, secret scanning partner program). */
class GithubSignatureTest {

    static final String GITHUB_EXAMPLE_KEY = """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9MJJHnMfn2+H4xL4YaPDA4RpJqUq
            kCmRCBnYERxZanmcpzQSXs1X/AljlKkbJ8qpVIW4clayyef9gWhFbNHWAA==
            -----END PUBLIC KEY-----
            """;
    static final String GITHUB_EXAMPLE_PAYLOAD = "[{\"token\":\"some_token\",\"type\":\"some_type\",\"url\":\"some_url\"}]";
    static final String GITHUB_EXAMPLE_SIGNATURE =
            "MEUCIQDKZokqnCjrRtw0tni+2Ltvl/uiMJ1EGumEsp1BsNr32AIgQY1YXD2nlj+XNfGK4rBfkMJ1JDOQcYXxa2sY8FNkrKc=";

    @Test
    void githubsPublishedExampleVerifiesAndAnyChangeDoesNot() throws Exception {
        var key = GithubScanningKeys.publicKey(GITHUB_EXAMPLE_KEY);
        assertTrue(GithubScanningKeys.signedBy(key, GITHUB_EXAMPLE_SIGNATURE,
                GITHUB_EXAMPLE_PAYLOAD.getBytes(StandardCharsets.UTF_8)));
        assertFalse(GithubScanningKeys.signedBy(key, GITHUB_EXAMPLE_SIGNATURE,
                GITHUB_EXAMPLE_PAYLOAD.replace("some_token", "other_token").getBytes(StandardCharsets.UTF_8)));
        assertFalse(GithubScanningKeys.signedBy(key, GITHUB_EXAMPLE_SIGNATURE,
                (GITHUB_EXAMPLE_PAYLOAD + "\n").getBytes(StandardCharsets.UTF_8)), "the raw body, byte for byte");
        assertFalse(GithubScanningKeys.signedBy(key, "not base64!", GITHUB_EXAMPLE_PAYLOAD.getBytes(StandardCharsets.UTF_8)));
        assertFalse(GithubScanningKeys.signedBy(key, "AAAA", GITHUB_EXAMPLE_PAYLOAD.getBytes(StandardCharsets.UTF_8)));
    }
}
