package dev.strata.auth.namespace;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

@ApplicationScoped
public class NamespaceRepository {

    private final Db db;

    NamespaceRepository(Db db) {
        this.db = db;
    }

    /** Namespaces, by name; only {@code visible} ones unless it is null. */
    public List<Namespace> list(String[] visible) {
        if (visible == null) {
            return db.list("SELECT * FROM namespace ORDER BY name", NamespaceRepository::map);
        }
        return db.list("SELECT * FROM namespace WHERE name = ANY(?) ORDER BY name", NamespaceRepository::map,
                (Object) visible);
    }

    public Optional<Namespace> find(String name) {
        return db.one("SELECT * FROM namespace WHERE name = ?", NamespaceRepository::map, name);
    }

    public boolean exists(String name) {
        return find(name).isPresent();
    }

    public void insert(String name) {
        db.update("INSERT INTO namespace (name) VALUES (?)", name);
    }

    public void delete(String name) {
        db.update("DELETE FROM namespace WHERE name = ?", name);
    }

    private static Namespace map(ResultSet rs) throws SQLException {
        return new Namespace(rs.getString("name"), Db.instant(rs, "created_at"));
    }
}
