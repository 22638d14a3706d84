package dev.strata.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The golden files in {@code src/test/resources/golden/} are the wire contract other services rely on: one per event
 * type, named after its record. A change that alters what is written for an existing type fails here.
 */
class GoldenFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Read from the source tree, not the classpath: a stale copy in {@code target/} must not hide a deleted file.
     */
    private static final Path GOLDEN_DIR = sourceGoldenDir();
    private final EventCodec codec = new EventCodec();

    static Stream<Class<?>> eventTypes() {
        return Stream.of(StrataEvent.class.getPermittedSubclasses());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void encodesAsGoldenFile(Class<? extends StrataEvent> eventClass) throws IOException {
        JsonNode golden = golden(eventClass);
        EventEnvelope<?> sample = sample(eventClass);

        JsonNode encoded = JSON.readTree(codec.encode(sample));

        assertEquals(golden, encoded, () -> "encoded " + eventClass.getSimpleName() + " differs from golden file:\n"
                + "golden:  " + golden + "\nencoded: " + encoded);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void decodesGoldenFile(Class<? extends StrataEvent> eventClass) throws IOException {
        byte[] golden = readGolden(eventClass);
        EventEnvelope<?> sample = sample(eventClass);

        EventEnvelope<? extends StrataEvent> decoded = codec.decode(golden);

        assertEquals(sample, decoded);
        assertEquals(eventClass, decoded.data().getClass());
        assertEquals(EventTypes.typeOf(eventClass), decoded.type());
    }

    @Test
    void everyGoldenFileBelongsToAnEventType() throws IOException {
        Set<String> expected = eventTypes().map(c -> c.getSimpleName() + ".json").collect(Collectors.toSet());
        List<String> orphans;
        try (Stream<Path> files = Files.list(GOLDEN_DIR)) {
            orphans = files.map(p -> p.getFileName().toString()).filter(name -> !expected.contains(name)).toList();
        }
        assertTrue(orphans.isEmpty(), () -> "golden files without an event type: " + orphans);
    }

    private static EventEnvelope<?> sample(Class<? extends StrataEvent> eventClass) {
        return Samples.of(eventClass).orElseGet(() -> fail("no sample envelope for " + eventClass.getSimpleName()
                + "; add one to Samples"));
    }

    private static JsonNode golden(Class<? extends StrataEvent> eventClass) throws IOException {
        JsonNode golden = JSON.readTree(readGolden(eventClass));
        assertNotNull(golden);
        return golden;
    }

    private static byte[] readGolden(Class<? extends StrataEvent> eventClass) throws IOException {
        Path file = GOLDEN_DIR.resolve(eventClass.getSimpleName() + ".json");
        if (!Files.isRegularFile(file)) {
            fail("no golden file src/test/resources/golden/" + file.getFileName() + " for "
                    + EventTypes.typeOf(eventClass) + "; write it by hand: it is the contract consumers rely on");
        }
        return Files.readAllBytes(file);
    }

    private static Path sourceGoldenDir() {
        try {
            Path testClasses = Path
                    .of(GoldenFileTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = testClasses.resolve("../../src/test/resources/golden").normalize();
            if (!Files.isDirectory(dir)) {
                throw new UncheckedIOException(new IOException("golden file directory not found: " + dir));
            }
            return dir;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
