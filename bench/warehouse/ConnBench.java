import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;

import dev.strata.devstack.Component;
import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.warehouse.NamespaceRoles;

/**
 * What a load, a build thread or an sql task pays to open its connection as its namespace's role (ADR 0005: a new
 * SCRAM login plus the search path), against a plain connection of the same server (the superuser, trust on loopback:
 * connection setup without password checking). Rounds of n alternating opens; prints the per-round p50/p90 and the
 * median of the round medians.
 */
public final class ConnBench {

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(System.getProperty("rounds", "5"));
        int n = Integer.parseInt(System.getProperty("n", "200"));
        Path root = Files.createTempDirectory("strata-bench-warehouse");
        try (DevStack stack = DevStack.start(root, EnumSet.of(Component.POSTGRES))) {
            Map<String, String> c = stack.serviceConfig();
            NamespaceRoles roles = new NamespaceRoles(c.get("strata.warehouse.jdbc-url"),
                    c.get("strata.warehouse.username"), c.get("strata.warehouse.password"),
                    c.get("strata.warehouse.role-key"));
            roles.ensure("bench");
            double[] roleMedians = new double[rounds];
            double[] plainMedians = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                long[] role = new long[n];
                long[] plain = new long[n];
                for (int i = 0; i < n; i++) {
                    long t = System.nanoTime();
                    try (Connection x = roles.open("bench")) {
                        role[i] = System.nanoTime() - t;
                    }
                    t = System.nanoTime();
                    try (Connection x = stack.postgres().connect(PostgresServer.WAREHOUSE_DB)) {
                        plain[i] = System.nanoTime() - t;
                    }
                }
                Arrays.sort(role);
                Arrays.sort(plain);
                roleMedians[round] = role[n / 2] / 1e6;
                plainMedians[round] = plain[n / 2] / 1e6;
                System.err.printf("round %d: namespace role p50 %.2f p90 %.2f ms | plain p50 %.2f p90 %.2f ms%n",
                        round, role[n / 2] / 1e6, role[n * 9 / 10] / 1e6, plain[n / 2] / 1e6, plain[n * 9 / 10] / 1e6);
            }
            double[] r = roleMedians.clone();
            double[] p = plainMedians.clone();
            Arrays.sort(r);
            Arrays.sort(p);
            System.out.printf("%.2f %.2f %.2f %.2f %.2f %.2f%n", r[rounds / 2], p[rounds / 2], r[0], r[rounds - 1],
                    p[0], p[rounds - 1]);
        }
    }
}
