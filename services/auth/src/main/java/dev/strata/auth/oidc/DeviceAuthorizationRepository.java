package dev.strata.auth.oidc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

@ApplicationScoped
public class DeviceAuthorizationRepository {

    private final Db db;

    DeviceAuthorizationRepository(Db db) {
        this.db = db;
    }

    /** False when the user code is taken (a new one is drawn). */
    public boolean insert(String deviceCodeHash, String userCode, String clientId, String scope, int intervalSeconds,
            Instant expiresAt) {
        db.update("DELETE FROM device_authorization WHERE expires_at < now() - interval '1 day'");
        return db.update("INSERT INTO device_authorization (device_code_hash, user_code, client_id, scope, family_id,"
                + " interval_seconds, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_code) DO NOTHING",
                deviceCodeHash, userCode, clientId, scope, UUID.randomUUID(), intervalSeconds, expiresAt) == 1;
    }

    /** The row of a device code, locked until the transaction ends (two polls of one code serialize here). */
    public Optional<DeviceAuthorization> lockByDeviceCode(String deviceCodeHash) {
        return db.one("SELECT * FROM device_authorization WHERE device_code_hash = ? FOR UPDATE",
                DeviceAuthorizationRepository::map, deviceCodeHash);
    }

    public Optional<DeviceAuthorization> lockByUserCode(String userCode) {
        return db.one("SELECT * FROM device_authorization WHERE user_code = ? FOR UPDATE",
                DeviceAuthorizationRepository::map, userCode);
    }

    public void polled(String deviceCodeHash, int intervalSeconds) {
        db.update("UPDATE device_authorization SET last_polled_at = now(), interval_seconds = ? WHERE"
                + " device_code_hash = ?", intervalSeconds, deviceCodeHash);
    }

    public void decide(String deviceCodeHash, String status, UUID userId) {
        db.update("UPDATE device_authorization SET status = ?, user_id = ? WHERE device_code_hash = ?", status, userId,
                deviceCodeHash);
    }

    public void markUsed(String deviceCodeHash) {
        db.update("UPDATE device_authorization SET status = 'used' WHERE device_code_hash = ?", deviceCodeHash);
    }

    private static DeviceAuthorization map(ResultSet rs) throws SQLException {
        return new DeviceAuthorization(rs.getString("device_code_hash"), rs.getString("user_code"),
                rs.getString("client_id"), rs.getString("scope"), rs.getString("status"),
                rs.getObject("user_id", UUID.class), rs.getObject("family_id", UUID.class),
                rs.getInt("interval_seconds"), Db.instant(rs, "last_polled_at"), Db.instant(rs, "created_at"),
                Db.instant(rs, "expires_at"));
    }
}
