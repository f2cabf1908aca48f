package io.keyplane.apikey;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A stand-in for GitHub secret scanning: a P-256 key pair made when the key server starts, its public half served
 * the way {@code api.github.com/meta/public_keys/secret_scanning} serves GitHub's, and reports signed as GitHub
 * signs them (ECDSA with SHA-256 over the raw body, base64 of the DER form). The server runs in the test's JVM
 * whether the application does or not (a packaged run); the private half and the server's address pass to the test
 * through system properties, which every class loader of that JVM sees.
 */
final class GithubScanning {

    static final String SERVER_PROPERTY = "test-github.keys-server";
    static final String PRIVATE_KEY_PROPERTY = "test-github.private-key";
    static final String KEY_IDENTIFIER = "5a3bb8f1c1f6b6e51d4e0a7f4c1c2b0e9d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a";

    private GithubScanning() {
    }

    static String sign(String body) {
        try {
            var key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                    .decode(System.getProperty(PRIVATE_KEY_PROPERTY))));
            var signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(body.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves the key list at {@code /meta/public_keys/secret_scanning}, and how often it was fetched at {@code /fetches}. */
    public static class KeysServer implements QuarkusTestResourceLifecycleManager {

        private HttpServer server;

        @Override
        public Map<String, String> start() {
            KeyPair pair;
            try {
                var generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                pair = generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            System.setProperty(PRIVATE_KEY_PROPERTY, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
            var fetches = new AtomicInteger();
            var pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
            var document = ("{\"public_keys\": [{\"key_identifier\": \"" + KEY_IDENTIFIER + "\", \"key\": \""
                    + pem.replace("\n", "\\n") + "\", \"is_current\": true}]}").getBytes(StandardCharsets.UTF_8);
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/meta/public_keys/secret_scanning", exchange -> {
                fetches.incrementAndGet();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, document.length);
                exchange.getResponseBody().write(document);
                exchange.close();
            });
            server.createContext("/fetches", exchange -> {
                var count = String.valueOf(fetches.get()).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, count.length);
                exchange.getResponseBody().write(count);
                exchange.close();
            });
            server.start();
            var base = "http://127.0.0.1:" + server.getAddress().getPort();
            System.setProperty(SERVER_PROPERTY, base); // for the test, in this JVM whichever way the app runs
            return Map.of("keyplane.github-scanning-keys-url", base + "/meta/public_keys/secret_scanning");
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }
}
