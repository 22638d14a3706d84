package dev.strata.transform.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.compile.SqlCompiler;
import dev.strata.transform.config.TransformConfig;
import dev.strata.transform.project.ProjectFiles;
import dev.strata.transform.project.ProjectLoader;

/** Model and column lineage from compiled SQL, and its push in the registry's shape. */
class LineageTest {

    static CompiledProject project() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", "name: lin\n");
        files.put("models/sources.yml", """
                version: 2
                sources:
                  - name: raw
                    tables:
                      - name: customers
                """);
        files.put("models/orders.sql", "select 1 as id, 2 as customer_id, 10.0 as amount");
        files.put("models/enriched.sql", """
                select o.id, o.amount * 2 as double_amount, upper(c.name) as customer_name
                from {{ ref('orders') }} o
                join {{ source('raw', 'customers') }} c on c.id = o.customer_id
                """);
        files.put("models/rollup.sql", """
                with t as (select * from {{ ref('enriched') }})
                select count(*) as n from t
                """);
        return SqlCompiler.compile(ProjectLoader.load(ProjectFiles.of(files)), "sales", Map.of(), "silver");
    }

    @Test
    void aLoadedSourceTableIsTheDatasetTheRegistryKnows() {
        // ingest loads sales.orders into sales__raw.orders; a source naming that table is that dataset
        assertEquals("sales.orders", ColumnLineage.sourceDataset("shop", "sales__raw", "orders"));
        assertEquals("sales-eu.orders", ColumnLineage.sourceDataset("shop", "sales_eu__raw", "orders"));
        assertEquals("shop.orders", ColumnLineage.sourceDataset("shop", "raw", "orders"));
    }

    @Test
    void columnsResolvedThroughAliases() {
        CompiledProject p = project();
        List<Upstream> upstream = ColumnLineage.of(p, p.model("enriched"), "sales");
        assertEquals(List.of(
                new Upstream("sales.orders", List.of(new Upstream.ColumnMapping("id", "id"),
                        new Upstream.ColumnMapping("amount", "double_amount"))),
                new Upstream("sales.customers", List.of(new Upstream.ColumnMapping("name", "customer_name")))),
                upstream);
    }

    @Test
    void unresolvableColumnsKeepModelLevelLineage() {
        CompiledProject p = project();
        assertEquals(List.of(new Upstream("sales.enriched", List.of())), ColumnLineage.of(p, p.model("rollup"),
                "sales"));
    }

    @Test
    void pushIsAPutInTheRegistryShapeAndToleratesAbsence() throws IOException {
        List<String> received = new ArrayList<>();
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        registry.start();
        try {
            String url = "http://127.0.0.1:" + registry.getAddress().getPort();
            LineageClient client = new LineageClient(config(Optional.of(url)), null);
            int status = client.push("sales", "enriched", List.of(new Upstream("sales.orders", List.of(
                    new Upstream.ColumnMapping("amount", "double_amount")))));
            assertEquals(204, status);
            assertEquals(List.of("PUT /api/v1/lineage/sales/enriched {\"upstream\":[{\"dataset\":\"sales.orders\","
                    + "\"columns\":[{\"from\":\"amount\",\"to\":\"double_amount\"}]}]}"), received);
        } finally {
            registry.stop(0);
        }
        // a registry that is not there: no exception, the build goes on
        assertEquals(-1, new LineageClient(config(Optional.of("http://127.0.0.1:1")), null).push("sales", "x",
                List.of()));
        assertEquals(-1, new LineageClient(config(Optional.empty()), null).push("sales", "x", List.of()));
    }

    static TransformConfig config(Optional<String> registryUrl) {
        return new TransformConfig() {
            public String schema() {
                return "transform";
            }

            public String projectsBucket() {
                return "strata-projects";
            }

            public String defaultSchema() {
                return "silver";
            }

            public int threads() {
                return 1;
            }

            public int concurrentBuilds() {
                return 1;
            }

            public int quarantineLimit() {
                return 1;
            }

            public Duration pollInterval() {
                return Duration.ofSeconds(1);
            }

            public Duration lease() {
                return Duration.ofSeconds(60);
            }

            public Duration heartbeatInterval() {
                return Duration.ofSeconds(15);
            }

            public int maxClaims() {
                return 3;
            }

            public long maxArchiveBytes() {
                return 1;
            }

            public ProjectLimits projectLimits() {
                return null;
            }

            public Compile compile() {
                return null;
            }

            public java.util.Map<String, String> env() {
                return java.util.Map.of();
            }

            public String consumerGroup() {
                return "g";
            }

            public boolean consumeTasks() {
                return false;
            }

            public ServiceAccount serviceAccount() {
                return new ServiceAccount() {
                    public Optional<String> clientId() {
                        return Optional.empty();
                    }

                    public Optional<String> clientSecret() {
                        return Optional.empty();
                    }

                    public Optional<String> tokenUrl() {
                        return Optional.empty();
                    }
                };
            }

            public OpenLineage openlineage() {
                return new OpenLineage() {
                    public Optional<String> url() {
                        return Optional.empty();
                    }

                    public String namespace() {
                        return "strata";
                    }

                    public String datasetNamespace() {
                        return "postgres://warehouse";
                    }

                    public Duration timeout() {
                        return Duration.ofSeconds(1);
                    }
                };
            }

            public Lineage lineage() {
                return new Lineage() {
                    public Optional<String> registryUrl() {
                        return registryUrl;
                    }

                    public Duration timeout() {
                        return Duration.ofSeconds(2);
                    }
                };
            }
        };
    }
}
