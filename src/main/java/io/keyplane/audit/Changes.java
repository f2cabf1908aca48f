package io.keyplane.audit;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Before/after pairs of the fields a change touched; never a secret or a hash of one. */
public final class Changes {

    private final Map<String, Object[]> fields = new TreeMap<>();

    public static Changes none() {
        return new Changes();
    }

    /** Records the field only when the value really changed. */
    public Changes field(String name, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            fields.put(name, new Object[] { before, after });
        }
        return this;
    }

    public Changes created(String name, Object value) {
        fields.put(name, new Object[] { null, value });
        return this;
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    Map<String, Object[]> asMap() {
        return fields;
    }
}
