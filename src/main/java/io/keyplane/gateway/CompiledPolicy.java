package io.keyplane.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** A policy as the hot path uses it: its workspace, its rules ready to match, and where the end user's key is. */
record CompiledPolicy(UUID workspaceId, List<Rule> rules, KeySource keySource) {

    /** One rule: {@code method} upper case or {@code *}; {@code glob} the path's segments. */
    record Rule(String method, String[] glob, List<String> scopes) {
    }

    static CompiledPolicy of(UUID workspaceId, List<PolicyDtos.Rule> rules, String keySource) {
        var compiled = new ArrayList<Rule>(rules.size());
        for (var rule : rules) {
            compiled.add(new Rule(rule.method().toUpperCase(Locale.ROOT), segmentsOf(rule.path()),
                    List.copyOf(rule.scopes())));
        }
        return new CompiledPolicy(workspaceId, List.copyOf(compiled), KeySource.parse(keySource));
    }

    /** The first rule for this request, or null: then the request is denied. */
    Rule match(String method, List<String> segments) {
        for (var rule : rules) {
            if ((rule.method.equals("*") || rule.method.equals(method)) && matches(rule.glob, 0, segments, 0)) {
                return rule;
            }
        }
        return null;
    }

    /** {@code *} is one segment, {@code **} any number of them (none included); anything else itself. */
    private static boolean matches(String[] glob, int g, List<String> path, int p) {
        while (g < glob.length) {
            var part = glob[g];
            if (part.equals("**")) {
                for (int rest = p; rest <= path.size(); rest++) {
                    if (matches(glob, g + 1, path, rest)) {
                        return true;
                    }
                }
                return false;
            }
            if (p == path.size() || !(part.equals("*") || part.equals(path.get(p)))) {
                return false;
            }
            g++;
            p++;
        }
        return p == path.size();
    }

    private static String[] segmentsOf(String glob) {
        return glob.equals("/") ? new String[0] : glob.substring(1).split("/");
    }
}
