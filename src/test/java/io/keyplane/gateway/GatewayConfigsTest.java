package io.keyplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The gateway configurations under deploy/ against what the forward-auth endpoint reads and answers. */
class GatewayConfigsTest {

    /** The Service of deploy/kubernetes/ (port 80), as the in-cluster configurations name it. */
    static final String KEYPLANE_URL = "http://keyplane.keyplane.svc.cluster.local";
    static final String POLICY = "${KEYPLANE_POLICY_ID}";
    static final String AUTH_URL = KEYPLANE_URL + ForwardAuthRoutes.PATH_PREFIX + POLICY;

    @Test
    void ingressNginxAsksKeyplaneWithTheGatewayKeyAndPassesTheIdentityOn() throws IOException {
        var docs = load("ingress-nginx/ingress.yaml");
        var ingress = only(docs, "Ingress");
        var annotations = map(get(ingress, "metadata", "annotations"));
        assertEquals(AUTH_URL, annotations.get("nginx.ingress.kubernetes.io/auth-url"));
        // without auth-method, ingress-nginx leaves X-Original-URI to the client
        assertEquals("GET", annotations.get("nginx.ingress.kubernetes.io/auth-method"), "auth-method");
        var responseHeaders = Arrays.stream(((String) annotations.get("nginx.ingress.kubernetes.io/auth-response-headers"))
                .split(",")).map(String::trim).toList();
        assertEquals(GatewayAnswers.ALLOW_HEADERS, responseHeaders);

        var configMap = only(docs, "ConfigMap");
        var namespace = get(ingress, "metadata", "namespace");
        assertEquals(namespace + "/" + get(configMap, "metadata", "name"),
                annotations.get("nginx.ingress.kubernetes.io/auth-proxy-set-headers"), "namespace/name of the ConfigMap");
        assertEquals(namespace, get(configMap, "metadata", "namespace"), "ingress-nginx reads its own namespace only");
        assertEquals(Map.of(ForwardAuthRoutes.GATEWAY_KEY_HEADER, "${KEYPLANE_GATEWAY_KEY}"), get(configMap, "data"));
    }

    @Test
    void traefikSetsTheGatewayKeyAsksKeyplaneThenStripsTheKey() throws IOException {
        var docs = load("traefik/middleware.yaml");
        var route = only(docs, "IngressRoute");
        var chain = new ArrayList<Map<String, Object>>();
        for (Object ref : list(get(route, "spec", "routes", 0, "middlewares"))) {
            var name = map(ref).get("name");
            chain.add(docs.stream().filter(d -> "Middleware".equals(d.get("kind")) && name.equals(get(d, "metadata", "name")))
                    .findFirst().orElseThrow(() -> new AssertionError("no Middleware " + name)));
        }
        assertEquals(3, chain.size(), "set-key, forwardAuth, strip-key");

        var setKey = map(get(chain.get(0), "spec", "headers", "customRequestHeaders"));
        assertEquals(Map.of(ForwardAuthRoutes.GATEWAY_KEY_HEADER, "${KEYPLANE_GATEWAY_KEY}"), setKey, "first: set the key");

        var forwardAuth = map(get(chain.get(1), "spec", "forwardAuth"));
        assertEquals(AUTH_URL, forwardAuth.get("address"));
        assertEquals(false, forwardAuth.get("trustForwardHeader"), "a client must not choose X-Forwarded-Uri");
        assertEquals(GatewayAnswers.ALLOW_HEADERS, forwardAuth.get("authResponseHeaders"));
        var requestHeaders = list(forwardAuth.get("authRequestHeaders"));
        for (var header : List.of("Authorization", ForwardAuthRoutes.GATEWAY_KEY_HEADER, OriginalRequest.TRAEFIK_METHOD,
                OriginalRequest.TRAEFIK_URI, OriginalRequest.FORWARDED_FOR)) {
            assertTrue(requestHeaders.contains(header), "authRequestHeaders lacks " + header);
        }
        // Keyplane reads NGINX's headers first: a client's own must not get through
        assertFalse(requestHeaders.contains(OriginalRequest.NGINX_METHOD), "authRequestHeaders lets X-Original-Method through");
        assertFalse(requestHeaders.contains(OriginalRequest.NGINX_URI), "authRequestHeaders lets X-Original-URI through");

        var stripKey = map(get(chain.get(2), "spec", "headers", "customRequestHeaders"));
        assertEquals(Map.of(ForwardAuthRoutes.GATEWAY_KEY_HEADER, ""), stripKey, "last: remove the key");
    }

    @Test
    void envoyAsksKeyplaneAtThePolicyPathAndForwardsTheKeyAndClientAddress() throws IOException {
        var bootstrap = load("envoy/ext_authz.yaml").get(0);
        var manager = map(get(bootstrap, "static_resources", "listeners", 0, "filter_chains", 0, "filters", 0,
                "typed_config"));
        assertEquals(true, manager.get("use_remote_address"), "Envoy appends the peer to X-Forwarded-For");
        var filters = list(manager.get("http_filters"));
        assertEquals("envoy.filters.http.ext_authz", get(manager, "http_filters", 0, "name"), "ext_authz first");
        assertEquals("envoy.filters.http.router", get(manager, "http_filters", filters.size() - 1, "name"), "router last");

        var authz = map(get(manager, "http_filters", 0, "typed_config"));
        assertEquals("type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz", authz.get("@type"));
        assertEquals(false, authz.get("failure_mode_allow"), "no answer must not let requests through");
        assertTrue(patterns(authz.get("allowed_headers"), "exact").containsAll(List.of("authorization", "x-forwarded-for")),
                "allowed_headers forwards authorization and x-forwarded-for");

        var service = map(authz.get("http_service"));
        assertEquals(ForwardAuthRoutes.PATH_PREFIX + POLICY, service.get("path_prefix"), "Envoy appends the original path");
        assertEquals(KEYPLANE_URL, get(service, "server_uri", "uri"));
        var added = map(get(service, "authorization_request", "headers_to_add", 0));
        assertEquals(ForwardAuthRoutes.GATEWAY_KEY_HEADER.toLowerCase(Locale.ROOT), added.get("key"));
        assertEquals("${KEYPLANE_GATEWAY_KEY}", added.get("value"));

        var response = map(get(service, "authorization_response"));
        assertEquals(lowerCase(GatewayAnswers.ALLOW_HEADERS), patterns(response.get("allowed_upstream_headers"), "exact"));
        var toClient = patterns(response.get("allowed_client_headers"), "exact");
        assertTrue(toClient.containsAll(List.of("www-authenticate", "retry-after")), "refusals keep their headers");
        assertTrue(patterns(response.get("allowed_client_headers"), "prefix").contains("ratelimit-"), "RateLimit-*");

        var clusterName = get(service, "server_uri", "cluster");
        var cluster = list(get(bootstrap, "static_resources", "clusters")).stream().map(GatewayConfigsTest::map)
                .filter(c -> clusterName.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no cluster " + clusterName));
        var address = map(get(cluster, "load_assignment", "endpoints", 0, "lb_endpoints", 0, "endpoint", "address",
                "socket_address"));
        assertEquals(KEYPLANE_URL, "http://" + address.get("address"), "the cluster is the Service of server_uri");
        assertEquals(80, address.get("port_value"), "the Service's port");
    }

    @Test
    void nginxTemplateAsksKeyplaneWithTheOriginalRequestAndSetsEveryIdentityHeader() throws IOException {
        var template = Files.readString(Path.of("deploy", "nginx", "keyplane-forward-auth.conf.template"));
        var auth = block(template, "location = /_keyplane_auth");
        var protect = block(template, "location /");
        assertTrue(protect.contains("auth_request /_keyplane_auth;"), "location / asks the auth location");
        assertDirective(block(template, "upstream keyplane_forward_auth"), "server ${KEYPLANE_ADDRESS};");
        assertDirective(auth, "proxy_pass http://keyplane_forward_auth" + ForwardAuthRoutes.PATH_PREFIX + POLICY + ";");
        assertDirective(auth, "proxy_set_header " + ForwardAuthRoutes.GATEWAY_KEY_HEADER + " ${KEYPLANE_GATEWAY_KEY};");
        assertDirective(auth, "proxy_set_header " + OriginalRequest.NGINX_METHOD + " $request_method;");
        assertDirective(auth, "proxy_set_header " + OriginalRequest.NGINX_URI + " $request_uri;");
        for (var header : GatewayAnswers.ALLOW_HEADERS) {
            assertDirective(protect, "proxy_set_header " + header + " $");
        }
        assertDirective(protect, "proxy_set_header " + ForwardAuthRoutes.GATEWAY_KEY_HEADER + " \"\";");
    }

    // --- helpers ---

    static List<Map<String, Object>> load(String file) throws IOException {
        var docs = new ArrayList<Map<String, Object>>();
        try (Reader in = Files.newBufferedReader(Path.of("deploy").resolve(file))) {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                if (doc != null) {
                    docs.add(map(doc));
                }
            }
        }
        assertFalse(docs.isEmpty(), file + " holds no document");
        return docs;
    }

    static Map<String, Object> only(List<Map<String, Object>> docs, String kind) {
        var found = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals(1, found.size(), "exactly one " + kind);
        return found.get(0);
    }

    /** The values of one kind of StringMatcher (exact, prefix) in a ListStringMatcher. */
    static List<Object> patterns(Object listMatcher, String kind) {
        return list(map(listMatcher).get("patterns")).stream().map(p -> map(p).get(kind)).filter(v -> v != null).toList();
    }

    static List<String> lowerCase(List<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }

    /** The text between the braces that follow {@code opening}: ${...} placeholders inside balance out. */
    static String block(String text, String opening) {
        var start = Pattern.compile("(?m)^\\s*" + Pattern.quote(opening) + "\\s*\\{").matcher(text);
        assertTrue(start.find(), "no " + opening + " block");
        int depth = 1;
        for (int i = start.end(); i < text.length(); i++) {
            depth += text.charAt(i) == '{' ? 1 : text.charAt(i) == '}' ? -1 : 0;
            if (depth == 0) {
                return text.substring(start.end(), i);
            }
        }
        throw new AssertionError("unclosed " + opening + " block");
    }

    /** A directive whose words are separated by any run of spaces, as NGINX reads them. */
    static void assertDirective(String block, String directive) {
        var words = Arrays.stream(directive.split(" ")).map(Pattern::quote).toList();
        assertTrue(Pattern.compile("(?m)^\\s*" + String.join("\\s+", words)).matcher(block).find(),
                "missing: " + directive);
    }

    /** What lies at a path of mapping keys and list indexes. */
    static Object get(Map<String, Object> root, Object... path) {
        Object at = root;
        for (Object step : path) {
            at = step instanceof Integer index ? list(at).get(index) : map(at).get(step);
            assertTrue(at != null, "missing " + Arrays.toString(path));
        }
        return at;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertTrue(value instanceof Map, "expected a mapping, got " + value);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        assertTrue(value instanceof List, "expected a list, got " + value);
        return (List<Object>) value;
    }
}
