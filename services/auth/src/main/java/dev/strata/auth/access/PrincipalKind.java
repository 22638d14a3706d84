package dev.strata.auth.access;

import java.util.Arrays;
import java.util.Optional;

/** Who a role binding is for. */
public enum PrincipalKind {
    USER("user"),
    SERVICE_ACCOUNT("service_account");

    private final String value;

    PrincipalKind(String value) {
        this.value = value;
    }

    /** The name in the database and the API. */
    public String value() {
        return value;
    }

    public static Optional<PrincipalKind> parse(String value) {
        return Arrays.stream(values()).filter(k -> k.value.equals(value)).findFirst();
    }
}
