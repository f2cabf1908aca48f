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

    /** The first rule for this request, or null: then the request is denied. A GET rule covers HEAD too. */
    Rule match(String method, List<String> segments) {
        for (var rule : rules) {
            if (allows(rule.method, method) && matches(rule.glob, segments)) {
                return rule;
            }
        }
        return null;
    }

    private static boolean allows(String ruleMethod, String method) {
        return ruleMethod.equals("*") || ruleMethod.equals(method) || (ruleMethod.equals("GET") && method.equals("HEAD"));
    }

    /**
     * {@code *} is one segment, {@code **} any number of them (none included); anything else itself. Only the last
     * {@code **} seen is ever backtracked to, so a match costs at most glob × path steps, whatever the globs.
     */
    static boolean matches(String[] glob, List<String> path) {
        int g = 0;
        int p = 0;
        int starG = -1;
        int starP = -1;
        while (p < path.size()) {
            if (g < glob.length && glob[g].equals("**")) {
                starG = g++;
                starP = p;
            } else if (g < glob.length && (glob[g].equals("*") || glob[g].equals(path.get(p)))) {
                g++;
                p++;
            } else if (starG >= 0) {
                g = starG + 1;
                p = ++starP;
            } else {
                return false;
            }
        }
        while (g < glob.length && glob[g].equals("**")) {
            g++;
        }
        return g == glob.length;
    }

    private static String[] segmentsOf(String glob) {
        return glob.equals("/") ? new String[0] : glob.substring(1).split("/");
    }
}
