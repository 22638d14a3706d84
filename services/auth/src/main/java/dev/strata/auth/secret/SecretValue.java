package dev.strata.auth.secret;

/** The body of {@code PUT .../secrets/{name}}: the value, write-only. */
public record SecretValue(String value) {

    @Override
    public String toString() {
        return "SecretValue[value=***]";
    }
}
