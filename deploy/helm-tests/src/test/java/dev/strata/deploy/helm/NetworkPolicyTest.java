package dev.strata.deploy.helm;

import static dev.strata.deploy.helm.StrataChart.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;

import dev.strata.deploy.helm.StrataChart.ValuesFile;

/** Deny by default, then exactly the flows the platform needs. */
class NetworkPolicyTest {

    private static final Map<String, String> GATEWAY = Map.of("app.kubernetes.io/name", "strata",
            "app.kubernetes.io/instance", "strata", "app.kubernetes.io/component", "gateway");
    private static final Map<String, String> SERVICES = Map.of("app.kubernetes.io/name", "strata",
            "app.kubernetes.io/instance", "strata", "strata.dev/tier", "service");

    @Test
    void theFlowsOfTheSelfContainedRelease() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT);

        NetworkPolicy deny = rendered.get(NetworkPolicy.class, "strata-default-deny");
        assertEquals(List.of("Ingress", "Egress"), deny.getSpec().getPolicyTypes());
        assertEquals(Map.of("app.kubernetes.io/name", "strata", "app.kubernetes.io/instance", "strata"),
                deny.getSpec().getPodSelector().getMatchLabels());

        NetworkPolicy gateway = rendered.get(NetworkPolicy.class, "strata-gateway");
        List<NetworkPolicyPeer> from = gateway.getSpec().getIngress().get(0).getFrom();
        assertEquals("ingress-nginx", from.get(0).getNamespaceSelector().getMatchLabels()
                .get("kubernetes.io/metadata.name"), "ingress controller → gateway");
        assertEquals("helm-test", from.get(1).getPodSelector().getMatchLabels().get("app.kubernetes.io/component"));
        assertEquals(SERVICES, gateway.getSpec().getEgress().get(0).getTo().get(0).getPodSelector().getMatchLabels(),
                "gateway → services");

        NetworkPolicy services = rendered.get(NetworkPolicy.class, "strata-services");
        assertEquals(GATEWAY, services.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector()
                .getMatchLabels(), "only the gateway calls the services");
        assertEquals("auth", services.getSpec().getEgress().get(0).getTo().get(0).getPodSelector().getMatchLabels()
                .get("app.kubernetes.io/component"), "services → auth");

        NetworkPolicy redis = rendered.get(NetworkPolicy.class, "strata-redis");
        assertEquals(GATEWAY, redis.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchLabels(),
                "Redis is the gateway's alone");
        for (String server : List.of("strata-postgresql", "strata-kafka", "strata-minio")) {
            NetworkPolicy policy = rendered.get(NetworkPolicy.class, server);
            assertEquals(1, policy.getSpec().getIngress().get(0).getFrom().size(), server);
            assertEquals(SERVICES, policy.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector()
                    .getMatchLabels(), server);
        }
        NetworkPolicy dns = rendered.get(NetworkPolicy.class, "strata-allow-dns");
        assertEquals(Set.of(53), Set.copyOf(dns.getSpec().getEgress().get(0).getPorts().stream()
                .map(p -> p.getPort().getIntVal()).toList()));
    }

    @Test
    void kedaMayReadTheConsumerLag() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT, set("services.ingest.keda.enabled", true));
        List<NetworkPolicyPeer> from = rendered.get(NetworkPolicy.class, "strata-kafka").getSpec().getIngress().get(0)
                .getFrom();
        assertEquals("keda", from.get(1).getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"));
    }

    @Test
    void externalEndpointsAreOpenedByExtraEgressOnly() {
        Rendered rendered = StrataChart.release().render(ValuesFile.PRODUCTION);
        NetworkPolicy egress = rendered.get(NetworkPolicy.class, "strata-services-to-infrastructure");
        assertEquals(4, egress.getSpec().getEgress().size(), "in-release servers + the three extraEgress rules");
        assertEquals("10.20.0.0/16", egress.getSpec().getEgress().get(1).getTo().get(0).getIpBlock().getCidr());
        assertTrue(rendered.names(NetworkPolicy.class).stream().noneMatch(n -> n.equals("strata-postgresql")),
                "no policy for a server the release does not run");
    }

    @Test
    void theyCanBeTurnedOff() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT, set("networkPolicy.enabled", false));
        assertEquals(Set.of(), rendered.names(NetworkPolicy.class));
        assertTrue(Policies.check(rendered).contains(
                "no default-deny NetworkPolicy (policyTypes Ingress and Egress, no rules)"));
    }
}
