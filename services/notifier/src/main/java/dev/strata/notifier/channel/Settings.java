package dev.strata.notifier.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import dev.strata.netguard.AddressGuard;
import dev.strata.netguard.AddressRefusedException;
import dev.strata.notifier.channel.NotificationChannel.InvalidSettingsException;
import dev.strata.notifier.secret.Secrets;
import dev.strata.security.client.ResolvedConnection;

/** Reads a plug-in's settings record from a channel's JSON settings, with errors that name the setting. */
public final class Settings {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private Settings() {
    }

    public static <T> T read(JsonNode settings, Class<T> type, String channelType) {
        if (settings == null || !settings.isObject()) {
            throw new InvalidSettingsException("settings: must be an object with the settings of a " + channelType
                    + " channel");
        }
        try {
            return MAPPER.treeToValue(settings, type);
        } catch (UnrecognizedPropertyException e) {
            String hint = e.getPropertyName().endsWith("Ref")
                    ? ""
                    : "; secrets are never stored: put the value in a secret and give its name in a ...Ref setting";
            throw new InvalidSettingsException("settings." + e.getPropertyName() + ": not a setting of a "
                    + channelType + " channel (known: " + e.getKnownPropertyIds() + ")" + hint);
        } catch (JsonMappingException e) {
            throw new InvalidSettingsException(path(e) + ": has the wrong type");
        } catch (JsonProcessingException e) {
            throw new InvalidSettingsException("settings: cannot be read");
        }
    }

    /** Fails unless {@code value} is set. */
    public static String required(String value, String setting) {
        if (value == null || value.isBlank()) {
            throw new InvalidSettingsException("settings." + setting + ": is required");
        }
        return value;
    }

    /** Checks a secret reference and adds its name to {@code names}. */
    public static void secretRef(String name, String setting, boolean required, List<String> names) {
        if (name == null || name.isBlank()) {
            if (required) {
                throw new InvalidSettingsException("settings." + setting + ": is required (the name of a secret)");
            }
            return;
        }
        if (!Secrets.NAME.matcher(name).matches()) {
            // the value is not repeated: it may be the secret itself, given here by mistake
            throw new InvalidSettingsException("settings." + setting + ": is not the name of a secret (lower-case "
                    + "letters, digits, '.', '_' and '-'); put the value in a secret and give its name here");
        }
        names.add(name);
    }

    /**
     * Checks the name of the connection a channel's settings give instead of secret references: a valid name, and none
     * of {@code replaced} (setting name to value) given beside it.
     */
    public static void connectionRef(String name, Map<String, String> replaced, String holds) {
        if (!Secrets.NAME.matcher(name).matches()) {
            throw new InvalidSettingsException("settings.connection: is not the name of a connection (lower-case "
                    + "letters, digits, '.', '_' and '-')");
        }
        for (Map.Entry<String, String> other : replaced.entrySet()) {
            if (other.getValue() != null) {
                throw new InvalidSettingsException("settings." + other.getKey() + ": not with settings.connection ("
                        + "the connection holds " + holds + "); give one or the other");
            }
        }
    }

    /**
     * The connection {@code name} of the channel's namespace, of the channel's own kind, resolved now.
     *
     * @throws Secrets.MissingSecretException when it does not exist, is of another kind or cannot be read now
     */
    public static ResolvedConnection connection(String name, String kind, Secrets secrets) {
        return connection(name, kind, kind, secrets);
    }

    /**
     * The connection {@code name} of the channel's namespace, of {@code kind}, for a channel of type {@code channel}
     * (an {@code email} channel names an {@code smtp} connection), resolved now.
     *
     * @throws Secrets.MissingSecretException when it does not exist, is of another kind or cannot be read now
     */
    public static ResolvedConnection connection(String name, String kind, String channel, Secrets secrets) {
        ResolvedConnection connection = secrets.connection(name).orElseThrow(() -> new Secrets.MissingSecretException(
                "connection '" + name + "' does not exist in the channel's namespace"));
        if (!kind.equals(connection.kind())) {
            throw new Secrets.MissingSecretException("connection '" + name + "' is a " + connection.kind()
                    + " connection; " + article(channel) + " channel needs a "
                    + kind + " connection");
        }
        return connection;
    }

    /** "a webhook", "an email": the type with its article. */
    public static String article(String type) {
        return ("aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
    }

    /** A setting or secret of a resolved connection that must be there. */
    public static String field(Optional<String> value, ResolvedConnection connection, String field) {
        return value.filter(v -> !v.isBlank()).orElseThrow(() -> new Secrets.MissingSecretException("connection '"
                + connection.name() + "' has no " + field));
    }

    /**
     * Checks the URL a secret holds (for {@code setting}) with the address guard; the message names the host, never
     * the URL. A name that does not resolve now is accepted: each send checks again.
     */
    public static void target(String url, String setting, AddressGuard guard) {
        try {
            HttpPost.target(url, guard);
        } catch (AddressRefusedException e) {
            if (!e.retryable()) {
                throw new InvalidSettingsException("settings." + setting + ": " + e.getMessage());
            }
        }
    }

    private static String path(JsonMappingException e) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            parts.add(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
        }
        return "settings" + String.join("", parts);
    }
}
