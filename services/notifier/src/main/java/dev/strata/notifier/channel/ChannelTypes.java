package dev.strata.notifier.channel;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

/** The channel plug-ins, by type. A new kind of channel is a new {@link NotificationChannel} bean. */
@Singleton
public class ChannelTypes {

    private final Map<String, NotificationChannel> byType = new TreeMap<>();

    ChannelTypes(Instance<NotificationChannel> plugins) {
        for (NotificationChannel plugin : plugins) {
            byType.put(plugin.type(), plugin);
        }
    }

    public Optional<NotificationChannel> find(String type) {
        return Optional.ofNullable(type).map(byType::get);
    }

    public NotificationChannel get(String type) {
        return find(type).orElseThrow(() -> new IllegalStateException("no channel plug-in for type " + type));
    }

    public String known() {
        return String.join(", ", byType.keySet());
    }
}
