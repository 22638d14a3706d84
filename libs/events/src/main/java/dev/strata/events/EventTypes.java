package dev.strata.events;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry of event types, derived once from the permitted subclasses of {@link StrataEvent} and their
 * {@code TYPE} constants. A record that lacks the constant, or reuses another record's type, fails here when the class
 * is first loaded, not later on a consumer.
 */
public final class EventTypes {

    private static final Map<String, Class<? extends StrataEvent>> CLASS_BY_TYPE;
    private static final Map<Class<? extends StrataEvent>, String> TYPE_BY_CLASS;

    static {
        Map<String, Class<? extends StrataEvent>> classByType = new LinkedHashMap<>();
        Map<Class<? extends StrataEvent>, String> typeByClass = new LinkedHashMap<>();
        for (Class<?> permitted : StrataEvent.class.getPermittedSubclasses()) {
            Class<? extends StrataEvent> eventClass = permitted.asSubclass(StrataEvent.class);
            String type = typeConstant(eventClass);
            Class<? extends StrataEvent> previous = classByType.putIfAbsent(type, eventClass);
            if (previous != null) {
                throw new IllegalStateException("event type '" + type + "' is declared by both "
                        + previous.getSimpleName() + " and " + eventClass.getSimpleName());
            }
            typeByClass.put(eventClass, type);
        }
        CLASS_BY_TYPE = Collections.unmodifiableMap(classByType);
        TYPE_BY_CLASS = Collections.unmodifiableMap(typeByClass);
    }

    private EventTypes() {
    }

    /** All event types, in the order the sealed interface permits them. */
    public static Set<String> all() {
        return CLASS_BY_TYPE.keySet();
    }

    /** All event record classes, in the order the sealed interface permits them. */
    public static Set<Class<? extends StrataEvent>> classes() {
        return TYPE_BY_CLASS.keySet();
    }

    /** The record class for a CloudEvents type, or empty when this version of the library does not know it. */
    public static Optional<Class<? extends StrataEvent>> classOf(String type) {
        return Optional.ofNullable(CLASS_BY_TYPE.get(type));
    }

    /** The CloudEvents type of an event record class. */
    public static String typeOf(Class<? extends StrataEvent> eventClass) {
        String type = TYPE_BY_CLASS.get(eventClass);
        if (type == null) {
            throw new IllegalArgumentException(eventClass.getName() + " is not a permitted StrataEvent");
        }
        return type;
    }

    private static String typeConstant(Class<? extends StrataEvent> eventClass) {
        if (!eventClass.isRecord()) {
            throw new IllegalStateException(eventClass.getSimpleName() + " must be a record");
        }
        try {
            Field field = eventClass.getField("TYPE");
            int modifiers = field.getModifiers();
            if (!Modifier.isStatic(modifiers) || !Modifier.isFinal(modifiers) || field.getType() != String.class) {
                throw new IllegalStateException(eventClass.getSimpleName() + ".TYPE must be a static final String");
            }
            return (String) field.get(null);
        } catch (NoSuchFieldException | IllegalAccessException e) {
            throw new IllegalStateException(
                    eventClass.getSimpleName()
                            + " must declare its CloudEvents type as public static final String TYPE",
                    e);
        }
    }
}
