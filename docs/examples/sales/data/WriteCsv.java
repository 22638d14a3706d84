import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Random;

/**
 * Writes the sales demo's raw data as CSV files next to this file (customers.csv, products.csv, orders.csv,
 * order_lines.csv), ready to upload and load with Strata's ingest. No build needed, Java 17 runs it as it is:
 *
 * <pre>
 * java docs/examples/sales/data/WriteCsv.java        # scale 1: 200 customers, 60 products, 2,000 orders
 * java docs/examples/sales/data/WriteCsv.java 10 /tmp/sales-csv
 * </pre>
 *
 * Deterministic for a given scale, except {@code loaded_at} (an hour ago, so that the sources' freshness checks pass
 * when the files are loaded right after). Same shapes and distributions as {@code generate_raw.sql}.
 */
public final class WriteCsv {

    private static final String[] COUNTRIES = {"fr", "de", "nl", "es", "it", "us", "gb"};
    private static final String[] CATEGORIES = {"Books", "Games", "Garden", "Kitchen", "Sports", "Toys"};
    private static final String[] CHANNELS = {"web", "store", "app"};
    private static final int[] DISCOUNTS = {0, 0, 0, 5, 10, 15};

    public static void main(String[] args) throws IOException {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        Path dir = args.length > 1 ? Path.of(args[1]) : Path.of(WriteCsv.class.getProtectionDomain().getCodeSource()
                .getLocation().getPath()).getParent();
        if (dir == null || !(scale > 0)) {
            throw new IllegalArgumentException("usage: java WriteCsv.java [scale > 0] [directory]");
        }
        Files.createDirectories(dir);
        Random random = new Random(42);
        String loadedAt = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        int customers = (int) (200 * scale);
        int products = (int) (50 + 10 * scale);
        int orders = (int) (2000 * scale);

        try (PrintWriter out = writer(dir.resolve("customers.csv"))) {
            out.println("customer_id,name,email,country,signup_date,loaded_at");
            for (int g = 1; g <= customers; g++) {
                out.println(g + ",Customer " + g + ",Customer" + g + "@Example.com," + COUNTRIES[random.nextInt(7)]
                        + "," + LocalDate.of(2023, 1, 1).plusDays(random.nextInt(700)) + "," + loadedAt);
            }
        }
        BigDecimal[] prices = new BigDecimal[products + 1];
        try (PrintWriter out = writer(dir.resolve("products.csv"))) {
            out.println("product_id,name,category,unit_price,unit_cost,loaded_at");
            for (int g = 1; g <= products; g++) {
                prices[g] = BigDecimal.valueOf(5 + random.nextDouble() * 195).setScale(2, RoundingMode.HALF_UP);
                BigDecimal cost = prices[g].multiply(BigDecimal.valueOf(0.35 + (g % 7) * 0.07))
                        .setScale(2, RoundingMode.HALF_UP);
                out.println(g + ",Product " + g + "," + CATEGORIES[g % 6] + "," + prices[g] + "," + cost + ","
                        + loadedAt);
            }
        }
        Instant start = Instant.parse("2024-01-01T00:00:00Z");
        long span = ChronoUnit.SECONDS.between(start, start.plus(730, ChronoUnit.DAYS));
        long line = 0;
        try (PrintWriter out = writer(dir.resolve("orders.csv"));
                PrintWriter lines = writer(dir.resolve("order_lines.csv"))) {
            out.println("order_id,customer_id,order_ts,status,channel,loaded_at");
            lines.println("order_line_id,order_id,product_id,quantity,unit_price,discount_pct,loaded_at");
            for (int g = 1; g <= orders; g++) {
                double r = random.nextDouble();
                String status = r < 0.80 ? "completed" : r < 0.90 ? "shipped" : r < 0.95 ? "cancelled"
                        : r < 0.98 ? "returned" : "pending";
                out.println(g + "," + (1 + random.nextInt(customers)) + ","
                        + start.plusSeconds((long) (random.nextDouble() * span)) + "," + status + ","
                        + CHANNELS[random.nextInt(3)] + "," + loadedAt);
                for (int n = 1; n <= 1 + g % 4; n++) {
                    int product = 1 + random.nextInt(products);
                    lines.println(++line + "," + g + "," + product + "," + (1 + random.nextInt(5)) + ","
                            + prices[product] + "," + DISCOUNTS[random.nextInt(6)] + "," + loadedAt);
                }
            }
        }
        System.out.println("wrote " + customers + " customers, " + products + " products, " + orders + " orders and "
                + line + " order lines to " + dir.toAbsolutePath());
    }

    private static PrintWriter writer(Path file) throws IOException {
        return new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }
}
