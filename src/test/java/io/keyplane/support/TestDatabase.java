package io.keyplane.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

/** Direct SQL on the test run's own database: to assert stored effects, or to move a key's clock forward. */
public final class TestDatabase {

    private TestDatabase() {
    }

    public static int update(String sql, Object... params) {
        try (Connection c = connect(); var st = c.prepareStatement(sql)) {
            bind(st, params);
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What only whoever holds the database can do: change or delete audit rows, past the append-only trigger
     * ({@code session_replication_role = replica} skips it; the test login is a superuser).
     */
    public static int tamper(String sql, Object... params) {
        try (Connection c = connect(); var replica = c.createStatement(); var st = c.prepareStatement(sql)) {
            replica.execute("set session_replication_role = replica");
            bind(st, params);
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = connect(); var st = c.prepareStatement(sql)) {
            bind(st, params);
            var rs = st.executeQuery();
            var rows = new ArrayList<Map<String, Object>>();
            var meta = rs.getMetaData();
            while (rs.next()) {
                var row = new LinkedHashMap<String, Object>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bind(java.sql.PreparedStatement st, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            st.setObject(i + 1, params[i] instanceof String s && s.matches("[0-9a-f-]{36}")
                    ? java.util.UUID.fromString(s) : params[i]);
        }
    }

    /** A connection of the test's own, for what must happen inside an explicit transaction. */
    public static Connection open() {
        try {
            return connect();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        var url = "jdbc:postgresql://" + config.getValue("keyplane.db.host", String.class) + ":"
                + config.getValue("keyplane.db.port", String.class) + "/" + config.getValue("keyplane.db.name", String.class);
        var password = config.getOptionalValue("keyplane.db.password", String.class).orElse("");
        return DriverManager.getConnection(url, config.getValue("keyplane.db.user", String.class), password);
    }
}
