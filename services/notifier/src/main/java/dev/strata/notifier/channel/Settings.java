package dev.strata.notifier.channel;

import java.util.ArrayList;
import java.util.List;

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
