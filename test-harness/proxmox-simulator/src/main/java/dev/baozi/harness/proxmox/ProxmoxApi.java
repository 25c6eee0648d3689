package dev.baozi.harness.proxmox;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's route table: every route with the parameters it accepts, named and typed as PVE's
 * API schema (the API viewer's {@code apidoc.js}) declares them. A parameter not listed for a route
 * is refused with PVE's 400, as PVE refuses it; {@code ProxmoxSchemaTest} checks this table against
 * the schema.
 */
final class ProxmoxApi {

    private ProxmoxApi() {}

    private static final List<Param> NODE = Param.parse("node!");
    private static final List<Param> VM = Param.parse("node! vmid:integer!");

    static List<ApiRoute> routes(ClusterController cluster, NodeController nodes, QemuController qemu, PoolController pools) {
        List<ApiRoute> r = new ArrayList<>();
        r.add(route("GET", "/version", List.of(), cluster::version));
        r.add(route("GET", "/cluster/status", List.of(), cluster::status));
        r.add(route("GET", "/cluster/resources", Param.parse("type"), cluster::resources));
        r.add(route("GET", "/cluster/nextid", Param.parse("vmid:integer"), cluster::nextId));

        List<Param> poolUpdate = Param.parse("poolid! comment vms storage delete:boolean allow-move:boolean");
        r.add(route("GET", "/pools", Param.parse("poolid type"), pools::list));
        r.add(route("POST", "/pools", Param.parse("poolid! comment"), pools::create));
        r.add(route("PUT", "/pools", poolUpdate, pools::update));
        r.add(route("DELETE", "/pools", Param.parse("poolid!"), pools::delete));
        r.add(route("GET", "/pools/{poolid}", Param.parse("poolid! type"), pools::show));
        r.add(route("PUT", "/pools/{poolid}", poolUpdate, pools::update));
        r.add(route("DELETE", "/pools/{poolid}", Param.parse("poolid!"), pools::delete));

        r.add(route("GET", "/nodes", List.of(), nodes::nodes));
        r.add(route("GET", "/nodes/{node}", NODE, nodes::node));
        r.add(route("GET", "/nodes/{node}/status", NODE, nodes::status));
        r.add(route("GET", "/nodes/{node}/network", Param.all(NODE, Param.parse("type")), nodes::network));
        r.add(route("GET", "/nodes/{node}/storage",
                Param.all(NODE, Param.parse("content enabled:boolean format:boolean storage target")), nodes::storages));
        r.add(route("GET", "/nodes/{node}/storage/{storage}/status", Param.parse("node! storage!"), nodes::storageStatus));
        r.add(route("GET", "/nodes/{node}/storage/{storage}/content",
                Param.parse("node! storage! content vmid:integer"), nodes::content));
        r.add(route("GET", "/nodes/{node}/storage/{storage}/content/{volume}", Param.parse("node! storage volume!"),
                nodes::volumeInfo));
        r.add(route("DELETE", "/nodes/{node}/storage/{storage}/content/{volume}",
                Param.parse("node! storage volume! delay:integer"), nodes::deleteVolume));
        r.add(route("POST", "/nodes/{node}/vzdump", Param.parse("""
                node vmid storage mode compress remove:boolean notes-template protected:boolean
                """), nodes::vzdump));
        r.add(route("GET", "/nodes/{node}/tasks",
                Param.all(NODE, Param.parse("limit:integer start:integer vmid:integer typefilter errors:boolean")),
                nodes::taskList));
        r.add(route("GET", "/nodes/{node}/tasks/{upid}/status", Param.parse("node! upid!"), nodes::taskStatus));
        r.add(route("GET", "/nodes/{node}/tasks/{upid}/log",
                Param.parse("node! upid! start:integer limit:integer download:boolean"), nodes::taskLog));
        r.add(route("DELETE", "/nodes/{node}/tasks/{upid}", Param.parse("node! upid!"), nodes::stopTask));

        r.add(route("GET", "/nodes/{node}/qemu", Param.all(NODE, Param.parse("full:boolean")), qemu::list));
        r.add(route("POST", "/nodes/{node}/qemu", Param.all(VM, QemuConfig.OPTIONS, Param.parse("""
                archive bwlimit:integer force:boolean ha-managed:boolean live-restore:boolean pool start:boolean
                storage unique:boolean import-working-storage
                """)), qemu::create));
        r.add(route("GET", "/nodes/{node}/qemu/{vmid}", VM, qemu::directory));
        r.add(route("DELETE", "/nodes/{node}/qemu/{vmid}",
                Param.all(VM, Param.parse("destroy-unreferenced-disks:boolean purge:boolean skiplock:boolean")),
                qemu::destroy));
        r.add(route("GET", "/nodes/{node}/qemu/{vmid}/config",
                Param.all(VM, Param.parse("current:boolean snapshot")), qemu::config));
        List<Param> update = Param.all(VM, QemuConfig.OPTIONS,
                Param.parse("delete digest force:boolean revert skiplock:boolean"));
        r.add(route("PUT", "/nodes/{node}/qemu/{vmid}/config", update, qemu::update));
        r.add(route("POST", "/nodes/{node}/qemu/{vmid}/config",
                Param.all(update, Param.parse("background_delay:integer import-working-storage")), qemu::updateAsync));
        r.add(route("GET", "/nodes/{node}/qemu/{vmid}/pending", VM, qemu::pending));
        r.add(route("PUT", "/nodes/{node}/qemu/{vmid}/cloudinit", VM, qemu::regenerateCloudInit));
        r.add(route("GET", "/nodes/{node}/qemu/{vmid}/status/current", VM, qemu::currentStatus));
        r.add(route("POST", "/nodes/{node}/qemu/{vmid}/status/start", Param.all(VM, Param.parse("""
                skiplock:boolean timeout:integer machine force-cpu migratedfrom migration_network migration_type
                stateuri targetstorage
                """)), qemu::start));
        r.add(route("POST", "/nodes/{node}/qemu/{vmid}/status/stop",
                Param.all(VM, Param.parse("skiplock:boolean timeout:integer keepActive:boolean overrule-shutdown:boolean")),
                qemu::stop));
        r.add(route("POST", "/nodes/{node}/qemu/{vmid}/status/shutdown",
                Param.all(VM, Param.parse("forceStop:boolean keepActive:boolean skiplock:boolean timeout:integer")),
                qemu::shutdown));
        r.add(route("POST", "/nodes/{node}/qemu/{vmid}/status/reboot", Param.all(VM, Param.parse("timeout:integer")),
                qemu::reboot));
        r.add(route("POST", "/nodes/{node}/qemu/{vmid}/clone", Param.all(VM, Param.parse("""
                newid:integer! bwlimit:integer description format full:boolean name pool snapname storage target
                """)), qemu::clone));
        r.add(route("POST", "/nodes/{node}/qemu/{vmid}/migrate", Param.all(VM, Param.parse("""
                target! online:boolean with-local-disks:boolean targetstorage force:boolean bwlimit:integer
                migration_network migration_type
                """)), qemu::migrate));
        r.add(route("POST", "/nodes/{node}/qemu/{vmid}/remote_migrate", Param.all(VM, Param.parse("""
                target-endpoint! target-storage! target-bridge! target-vmid:integer delete:boolean online:boolean bwlimit:integer
                """)), qemu::remoteMigrate));
        r.add(route("PUT", "/nodes/{node}/qemu/{vmid}/resize",
                Param.all(VM, Param.parse("disk! size! digest skiplock:boolean")), qemu::resize));
        r.add(route("POST", "/nodes/{node}/qemu/{vmid}/template", Param.all(VM, Param.parse("disk")), qemu::template));
        r.add(route("GET", "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces", VM, qemu::agentInterfaces));
        r.add(route("POST", "/nodes/{node}/qemu/{vmid}/agent/file-write",
                Param.all(VM, Param.parse("content! file! encode:boolean")), qemu::agentFileWrite));
        r.add(route("GET", "/nodes/{node}/qemu/{vmid}/agent/file-read",
                Param.all(VM, Param.parse("file! count:integer offset:integer decode:boolean")), qemu::agentFileRead));
        return List.copyOf(r);
    }

    private static ApiRoute route(String method, String path, List<Param> params, ApiRoute.Handler handler) {
        return new ApiRoute(method, path, params, handler);
    }
}
