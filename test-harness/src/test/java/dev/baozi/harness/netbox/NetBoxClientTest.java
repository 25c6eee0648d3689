package dev.baozi.harness.netbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baozi.orchestrator.netbox.AddressReservations;
import dev.baozi.orchestrator.netbox.NetBoxClient;
import dev.baozi.orchestrator.netbox.NetBoxException;
import dev.baozi.orchestrator.netbox.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link NetBoxClient} and {@link AddressReservations} against the real NetBox 4.7. */
@Tag("netbox")
class NetBoxClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static NetBoxClient client() {
        return NetBoxClient.connect(NetBoxServer.shared().url(), NetBoxServer.shared().token(), TIMEOUT);
    }

    @Test
    void a_v2_token_and_a_v1_token_both_work_and_a_wrong_one_is_refused_without_being_quoted() {
        var nb = NetBoxServer.shared();
        var v2 = NetBoxClient.connect(nb.url(), nb.token(), TIMEOUT);
        var v1 = NetBoxClient.connect(nb.url(), nb.v1Token(), TIMEOUT);
        var wrong = NetBoxClient.connect(nb.url(), "nbt_wrongwrongwr.0123456789012345678901234567890123456789", TIMEOUT);

        assertThat(v2.version()).startsWith("4.7.");
        assertThat(v1.version()).startsWith("4.7.");
        assertThatThrownBy(wrong::version).isInstanceOf(NetBoxException.class)
                .hasMessageContaining("answered HTTP 403").hasMessageNotContaining("0123456789012345678901234567890123456789")
                .satisfies(e -> assertThat(((NetBoxException) e).status()).isEqualTo(403));
    }

    @Test
    void lists_follow_netboxs_pagination_to_the_end() {
        var nb = NetBoxServer.shared();
        long prefix = nb.createPrefix("10.40.0.0/24");
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            many.add(Map.of("description", "page test " + i));
        }
        nb.call("POST", "/api/ipam/prefixes/" + prefix + "/available-ips/", many);

        var addresses = client().addressesIn("10.40.0.0/24");

        assertThat(addresses).hasSize(230);
        assertThat(addresses.stream().map(a -> a.address()).distinct()).hasSize(230);
    }

    @Test
    void a_reservation_is_found_again_by_its_tag_an_empty_pool_is_named_and_a_release_gives_the_address_back() {
        var nb = NetBoxServer.shared();
        nb.createPrefix("10.41.0.0/30");
        nb.call("POST", "/api/ipam/ip-ranges/", Map.of("start_address", "10.42.0.10/24", "end_address", "10.42.0.11/24",
                "status", "active"));
        var reservations = new AddressReservations(client());

        var first = reservations.reserve("alpha", new Pool.Prefix("10.41.0.0/30"), "alpha.example.test", "test");
        var again = reservations.reserve("alpha", new Pool.Prefix("10.41.0.0/30"), "alpha.example.test", "test");
        var second = reservations.reserve("beta", new Pool.Prefix("10.41.0.0/30"), "beta.example.test", "test");
        var none = reservations.reserve("gamma", new Pool.Prefix("10.41.0.0/30"), "gamma.example.test", "test");
        var ranged = reservations.reserve("delta", Pool.parse("10.42.0.10-10.42.0.11").orElseThrow(), "delta.example.test", "test");
        var unknown = reservations.reserve("eps", new Pool.Prefix("10.43.0.0/24"), "eps.example.test", "test");

        var a = ((AddressReservations.Outcome.Reserved) first).address();
        assertThat(a.address()).isEqualTo("10.41.0.1/30");
        assertThat(a.status()).isEqualTo("reserved");
        assertThat(a.tags()).containsExactlyInAnyOrder("baozi", "baozi-alpha");
        assertThat(a.dnsName()).isEqualTo("alpha.example.test");
        assertThat(again).isEqualTo(new AddressReservations.Outcome.Reserved(a, true));
        assertThat(((AddressReservations.Outcome.Reserved) second).address().address()).isEqualTo("10.41.0.2/30");
        assertThat(none).isEqualTo(new AddressReservations.Outcome.Exhausted("prefix 10.41.0.0/30 has no free address"));
        assertThat(((AddressReservations.Outcome.Reserved) ranged).address().address()).isEqualTo("10.42.0.10/24");
        assertThat(unknown).isEqualTo(new AddressReservations.Outcome.UnknownPool("NetBox has no prefix 10.43.0.0/24"));
        assertThat(reservations.release(a)).isTrue();
        assertThat(reservations.release(a)).as("already gone").isFalse();
        assertThat(reservations.held("alpha")).isEmpty();
        assertThat(client().addressesTagged("baozi-never-made")).isEmpty();
    }

    @Test
    void when_netboxs_answer_to_an_allocation_is_lost_the_address_is_found_by_its_tag_not_allocated_twice() throws Exception {
        var nb = NetBoxServer.shared();
        nb.createPrefix("10.44.0.0/29");
        try (var proxy = new LosingProxy(nb.url(), "available-ips")) {
            var reservations = new AddressReservations(NetBoxClient.connect(proxy.url(), nb.token(), TIMEOUT));

            var outcome = reservations.reserve("lossy", new Pool.Prefix("10.44.0.0/29"), "lossy.example.test", "test");

            assertThat(outcome).isInstanceOf(AddressReservations.Outcome.Reserved.class);
            assertThat(((AddressReservations.Outcome.Reserved) outcome).address().address()).isEqualTo("10.44.0.1/29");
            assertThat(proxy.seen()).as("one allocation request, not retried").isEqualTo(1);
            assertThat(nb.addressesIn("10.44.0.0/29")).hasSize(1);
        }
    }
}
