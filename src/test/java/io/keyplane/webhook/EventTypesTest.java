package io.keyplane.webhook;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItems;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Every audit action the code writes can be subscribed to by name, not only through {@code *}. */
class EventTypesTest {

    static final Pattern ACTION = Pattern.compile(
            "\"((?:api_key|service_account|scope|workspace|forward_auth_policy|webhook|access)\\.[a-z_]+)\"");

    @Test
    void everyAuditedActionIsAKnownEventType() throws IOException {
        var missing = new TreeSet<String>();
        var seen = new TreeSet<String>();
        try (var files = Files.walk(Path.of("src/main/java/io/keyplane"))) {
            for (var file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                var matcher = ACTION.matcher(Files.readString(file));
                while (matcher.find()) {
                    seen.add(matcher.group(1));
                    if (!EventTypes.KNOWN.contains(matcher.group(1)) && !matcher.group(1).equals("workspace.create")) {
                        missing.add(matcher.group(1) + " (" + file.getFileName() + ")");
                    }
                }
            }
        }
        assertThat(seen, hasItems("api_key.revoke", "access.denied", "webhook.disable"));
        assertThat(missing, empty());
    }
}
