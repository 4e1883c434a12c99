"""A NetBox Django `dumpdata` export (JSON, optionally gzip) to CIs and relationships.

Keys (`nb:` prefix, slugs lower-case, anything outside the key alphabet turned into `-`):
- site `nb:site/<slug>`, tenant `nb:tenant/<slug>`, cluster `nb:cluster/<name>`;
- rack `nb:<site>/rack/<name>` and device `nb:<site>/device/<name>`: names repeat across sites;
- an unnamed device: `nb:<site>/device/<virtual chassis>-<position>` when it is a chassis member,
  else `nb:<site>/device/<rack>-u<position>`, else `nb:<site>/device/id-<pk>`;
- virtual chassis `nb:<site>/vc/<name>` (class Cluster, its members MEMBER_OF it);
- VM `nb:<cluster>/vm/<name>`.
Interfaces are not CIs: their MAC addresses become the device's `mac_addresses` (identifiers), and
their cables become device-to-device CONNECTS_TO; power cables make the device DEPENDS_ON the PDU.
IP addresses assigned to a device or VM interface are listed on it; unassigned ones are skipped.
Tenants are Team CIs: sites, racks, devices and VMs are MANAGED_BY their tenant.
Users, sessions, permissions and the search cache are never read.
A device with a serial or an asset tag also feeds an asset of the ledger (tag, else serial), linked
to the device's CI by `ci_key`; the demo dump has neither, so it makes no assets.

Scope: one NetBox instance (`netbox:<instance>`), the `instance` option, `default` if not given.
"""

import gzip
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from graphledger.imports.model import (
    AssetItem,
    Batch,
    CIItem,
    Rejection,
    RelationshipItem,
)

SERVER_ROLES = ("server", "host", "hypervisor", "compute")
_UNSAFE = re.compile(r"[^a-z0-9.:_/-]+")


class NetBoxUnreadable(ValueError):
    """The input is not a NetBox JSON dump."""


def _slug(value: Any) -> str:
    return _UNSAFE.sub("-", str(value).strip().lower()).strip("-") or "unnamed"


def read_bytes(raw: bytes, name: str) -> list[dict[str, Any]]:
    """The objects of a dump; gzip is recognised by its magic bytes."""
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        objects = json.loads(raw.decode("utf-8-sig"))
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as error:
        raise NetBoxUnreadable(f"{name}: not a NetBox JSON dump ({error})") from error
    if not isinstance(objects, list):
        raise NetBoxUnreadable(f"{name}: a dumpdata export is a JSON list")
    return objects


def read_path(path: Path) -> list[dict[str, Any]]:
    return read_bytes(path.read_bytes(), path.name)


# NetBox device statuses as asset lifecycle states.
ASSET_STATES = {
    "planned": "planned",
    "staged": "in_stock",
    "inventory": "in_stock",
    "offline": "in_stock",
    "active": "in_use",
    "failed": "in_repair",
    "decommissioning": "retired",
}


def _asset(
    device: dict[str, Any],
    key: str,
    dtype: dict[str, Any],
    name_of: Any,
    pk: Any,
) -> AssetItem | None:
    """The ledger asset of a device that carries a serial or an asset tag, linked to its CI.

    The asset tag is NetBox's, else the serial; the manufacturer is the vendor.
    """
    serial = str(device.get("serial") or "").strip() or None
    tag = str(device.get("asset_tag") or "").strip() or None
    if serial is None and tag is None:
        return None
    fields: dict[str, Any] = {}
    if serial:
        fields["serial"] = serial
    if device.get("name"):
        fields["name"] = str(device["name"])[:200]
    if dtype.get("model"):
        fields["model"] = str(dtype["model"])[:200]
    state = ASSET_STATES.get(str(device.get("status") or ""))
    if state:
        fields["state"] = state
    return AssetItem(
        asset_tag=(tag or serial or "")[:100],
        fields=fields,
        vendor=name_of("dcim.manufacturer", dtype.get("manufacturer")),
        ci_key=key,
        ref=f"dcim.device pk={pk} asset",
    )


def transform(objects: list[dict[str, Any]], *, instance: str = "default") -> Batch:
    """NetBox objects to a batch."""
    scope = f"netbox:{_slug(instance)}"
    by_model: dict[str, dict[Any, dict[str, Any]]] = defaultdict(dict)
    for obj in objects:
        if isinstance(obj, dict) and "model" in obj and "pk" in obj:
            by_model[obj["model"]][obj["pk"]] = obj.get("fields") or {}
    batch = Batch(scopes={scope})
    keys: dict[tuple[str, Any], str] = {}
    taken: dict[str, str] = {}

    def add(
        model: str,
        pk: Any,
        key: str,
        class_: str,
        name: str,
        attrs: dict[str, Any],
        tenant: Any = None,
    ) -> None:
        ref = f"{model} pk={pk}"
        if key in taken:
            batch.rejected.append(
                Rejection(ref, f"key {key} also made by {taken[key]}", "name")
            )
            return
        taken[key] = ref
        keys[(model, pk)] = key
        tenant_fields = by_model["tenancy.tenant"].get(tenant) if tenant else None
        batch.cis.append(
            CIItem(
                key=key,
                class_=class_,
                name=str(name)[:300],
                attributes={
                    "source": "netbox",
                    "netbox_id": pk,
                    **{k: v for k, v in attrs.items() if v not in (None, "", [], {})},
                },
                owner=tenant_fields["name"][:200] if tenant_fields else None,
                ref=ref,
                scope=scope,
            )
        )
        if tenant_fields:
            rel(key, "MANAGED_BY", ("tenancy.tenant", tenant), ref)

    edges: list[tuple[str, str, tuple[str, Any], str]] = []

    def rel(source: str, type_: str, target: tuple[str, Any], ref: str) -> None:
        edges.append((source, type_, target, ref))

    def name_of(model: str, pk: Any, field: str = "name") -> str | None:
        row = by_model[model].get(pk)
        return row.get(field) if row else None

    for pk, t in sorted(by_model["tenancy.tenant"].items()):
        add(
            "tenancy.tenant",
            pk,
            f"nb:tenant/{_slug(t['slug'])}",
            "Team",
            t["name"],
            {"slug": t["slug"]},
        )
    for pk, s in sorted(by_model["dcim.site"].items()):
        add(
            "dcim.site",
            pk,
            f"nb:site/{_slug(s['slug'])}",
            "Site",
            s["name"],
            {
                "slug": s["slug"],
                "status": s.get("status"),
                "region": name_of("dcim.region", s.get("region")),
                "facility": s.get("facility"),
            },
            s.get("tenant"),
        )
    site_slug = {pk: _slug(s["slug"]) for pk, s in by_model["dcim.site"].items()}
    for pk, r in sorted(by_model["dcim.rack"].items()):
        site = site_slug.get(r.get("site"), "nosite")
        add(
            "dcim.rack",
            pk,
            f"nb:{site}/rack/{_slug(r['name'])}",
            "Rack",
            r["name"],
            {
                "site": site,
                "serial": r.get("serial"),
                "asset_tag": r.get("asset_tag"),
                "u_height": r.get("u_height"),
            },
            r.get("tenant"),
        )
        rel(
            f"nb:{site}/rack/{_slug(r['name'])}",
            "LOCATED_IN",
            ("dcim.site", r.get("site")),
            f"dcim.rack pk={pk}",
        )
    for pk, c in sorted(by_model["virtualization.cluster"].items()):
        add(
            "virtualization.cluster",
            pk,
            f"nb:cluster/{_slug(c['name'])}",
            "Cluster",
            c["name"],
            {"cluster_type": name_of("virtualization.clustertype", c.get("type"))},
            c.get("tenant"),
        )
        if c.get("site"):
            rel(
                f"nb:cluster/{_slug(c['name'])}",
                "LOCATED_IN",
                ("dcim.site", c["site"]),
                f"virtualization.cluster pk={pk}",
            )

    macs: dict[Any, list[str]] = defaultdict(list)
    for i in by_model["dcim.interface"].values():
        if i.get("mac_address"):
            macs[i["device"]].append(i["mac_address"])
    ips: dict[tuple[str, Any], list[str]] = defaultdict(list)
    for ip in by_model["ipam.ipaddress"].values():
        kind, oid = ip.get("assigned_object_type"), ip.get("assigned_object_id")
        if kind and oid:
            owner_model = (
                "dcim.interface"
                if kind == ["dcim", "interface"]
                else ("virtualization.vminterface")
            )
            iface = by_model[owner_model].get(oid) or {}
            owner = (
                ("dcim.device", iface.get("device"))
                if owner_model == "dcim.interface"
                else ("virtualization.virtualmachine", iface.get("virtual_machine"))
            )
            ips[owner].append(ip["address"])

    vcs = by_model["dcim.virtualchassis"]
    vc_site: dict[Any, str] = {}
    for d in by_model["dcim.device"].values():
        if d.get("virtual_chassis"):
            vc_site.setdefault(
                d["virtual_chassis"], site_slug.get(d.get("site"), "nosite")
            )
    for pk, vc in sorted(vcs.items()):
        site = vc_site.get(pk, "nosite")
        add(
            "dcim.virtualchassis",
            pk,
            f"nb:{site}/vc/{_slug(vc['name'])}",
            "Cluster",
            vc["name"],
            {"domain": vc.get("domain")},
        )
    for pk, d in sorted(by_model["dcim.device"].items()):
        site = site_slug.get(d.get("site"), "nosite")
        if d.get("name"):
            local = _slug(d["name"])
        elif d.get("virtual_chassis"):
            local = f"{_slug(vcs[d['virtual_chassis']]['name'])}-{d.get('vc_position')}"
        elif d.get("rack") and d.get("position") is not None:
            position = str(d["position"]).removesuffix(".0")
            local = f"{_slug(name_of('dcim.rack', d['rack']))}-u{position}"
        else:
            local = f"id-{pk}"
        key = f"nb:{site}/device/{local}"
        role = name_of("dcim.devicerole", d.get("role") or d.get("device_role")) or ""
        dtype = by_model["dcim.devicetype"].get(d.get("device_type")) or {}
        class_ = (
            "Server"
            if any(r in role.lower() for r in SERVER_ROLES)
            else "NetworkDevice"
        )
        add(
            "dcim.device",
            pk,
            key,
            class_,
            d.get("name") or local,
            {
                "site": site,
                "role": role,
                "model": dtype.get("model"),
                "manufacturer": name_of("dcim.manufacturer", dtype.get("manufacturer")),
                "serial": d.get("serial"),
                "asset_tag": d.get("asset_tag"),
                "status": d.get("status"),
                "mac_addresses": sorted(set(macs.get(pk, []))),
                "ip_addresses": sorted(ips.get(("dcim.device", pk), [])),
                "rack": name_of("dcim.rack", d.get("rack")),
                "position": d.get("position"),
            },
            d.get("tenant"),
        )
        if keys.get(("dcim.device", pk)) == key:  # the device CI was not refused
            asset = _asset(d, key, dtype, name_of, pk)
            if asset is not None:
                batch.assets.append(asset)
        if d.get("rack"):
            rel(key, "LOCATED_IN", ("dcim.rack", d["rack"]), f"dcim.device pk={pk}")
        elif d.get("site"):
            rel(key, "LOCATED_IN", ("dcim.site", d["site"]), f"dcim.device pk={pk}")
        if d.get("virtual_chassis"):
            rel(
                key,
                "MEMBER_OF",
                ("dcim.virtualchassis", d["virtual_chassis"]),
                f"dcim.device pk={pk}",
            )
        if d.get("cluster"):
            rel(
                key,
                "MEMBER_OF",
                ("virtualization.cluster", d["cluster"]),
                f"dcim.device pk={pk}",
            )
    cluster_slug = {
        pk: _slug(c["name"]) for pk, c in by_model["virtualization.cluster"].items()
    }
    for pk, vm in sorted(by_model["virtualization.virtualmachine"].items()):
        cluster = cluster_slug.get(vm.get("cluster"), "nocluster")
        key = f"nb:{cluster}/vm/{_slug(vm['name'])}"
        add(
            "virtualization.virtualmachine",
            pk,
            key,
            "VirtualMachine",
            vm["name"],
            {
                "cluster": cluster,
                "status": vm.get("status"),
                "vcpus": vm.get("vcpus"),
                "memory_mb": vm.get("memory"),
                "disk_gb": vm.get("disk"),
                "ip_addresses": sorted(
                    ips.get(("virtualization.virtualmachine", pk), [])
                ),
            },
            vm.get("tenant"),
        )
        if vm.get("cluster"):
            rel(
                key,
                "RUNS_ON",
                ("virtualization.cluster", vm["cluster"]),
                f"virtualization.virtualmachine pk={pk}",
            )
        if vm.get("device"):
            rel(
                key,
                "HOSTED_ON",
                ("dcim.device", vm["device"]),
                f"virtualization.virtualmachine pk={pk}",
            )

    _cables(by_model, keys, batch)
    done: set[tuple[str, str, str]] = set()
    for source, type_, target, ref in edges:
        target_key = keys.get(target)
        if target_key is None:
            batch.unresolved.append(
                {"ref": ref, "from": source, "reference": f"{type_} {target}"}
            )
        elif source in taken and (source, type_, target_key) not in done:
            done.add((source, type_, target_key))
            batch.relationships.append(RelationshipItem(source, type_, target_key, ref))
    return batch


PORT_MODELS = {
    ("dcim", "interface"): "dcim.interface",
    ("dcim", "frontport"): "dcim.frontport",
    ("dcim", "rearport"): "dcim.rearport",
    ("dcim", "powerport"): "dcim.powerport",
    ("dcim", "poweroutlet"): "dcim.poweroutlet",
    ("dcim", "consoleport"): "dcim.consoleport",
    ("dcim", "consoleserverport"): "dcim.consoleserverport",
}


def _cables(
    by_model: dict[str, dict[Any, dict[str, Any]]],
    keys: dict[tuple[str, Any], str],
    batch: Batch,
) -> None:
    """Device-to-device edges from cable terminations; other ends are reported."""
    ends: dict[Any, dict[str, list[tuple[str, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for pk, term in sorted(by_model["dcim.cabletermination"].items()):
        model = PORT_MODELS.get(tuple(term.get("termination_type") or ()))
        port = by_model[model].get(term.get("termination_id")) if model else None
        device = keys.get(("dcim.device", port.get("device"))) if port else None
        if device is None:
            batch.unresolved.append(
                {
                    "ref": f"dcim.cabletermination pk={pk}",
                    "from": f"cable {term.get('cable')}",
                    "reference": "end at "
                    + ".".join(str(p) for p in term.get("termination_type") or ["?"]),
                }
            )
            continue
        ends[term["cable"]][term["cable_end"]].append((device, model or ""))
    done: set[tuple[str, str, str]] = set()
    for cable, sides in sorted(ends.items()):
        for a, a_model in sides.get("A", []):
            for b, b_model in sides.get("B", []):
                if a == b:
                    continue
                if {a_model, b_model} == {"dcim.powerport", "dcim.poweroutlet"}:
                    source, target = (a, b) if a_model == "dcim.powerport" else (b, a)
                    edge = (source, "DEPENDS_ON", target)
                else:
                    edge = (min(a, b), "CONNECTS_TO", max(a, b))
                if edge not in done:
                    done.add(edge)
                    batch.relationships.append(
                        RelationshipItem(
                            edge[0], edge[1], edge[2], f"dcim.cable pk={cable}"
                        )
                    )
