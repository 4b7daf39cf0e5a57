"""DemoFarm: every demo portal and service portal served on loopback, with its known truth."""
from __future__ import annotations

import csv
import json
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import data, truth
from .dvc import ServicePortal
from .server import Host
from .site import PortalSite

CSV_COLUMNS = ("id", "name", "kind", "group", "portal_url", "services_url", "parent", "valid_from", "valid_to", "notes")


class PortalHandle:
    """Runtime control of one farm host (a portal or a service portal)."""

    def __init__(self, farm: DemoFarm, host_id: str) -> None:
        self.farm, self.id = farm, host_id
        self.host = farm.hosts[host_id]

    @property
    def url(self) -> str:
        return self.farm.url_of(self.id)

    @property
    def services_url(self) -> str:
        return self.farm.services_url_of(self.id)

    def set(self, where: str, behaviour: str, **params: Any) -> None:
        """Give `where` (a path, "*" for the whole host, or an absolute farm URL, e.g. a service
        URL from truth()) a behaviour: live, slow, hang, reset/refused, not_found, soft_404,
        server_error, blocked, cloudflare, rate_limited, login_redirect, redirect_loop, garbage.
        Optional params: seconds= for slow/hang."""
        host, path = self.farm.locate(where, self.host)
        if behaviour == "refused":
            behaviour = "reset"  # a listening host cannot refuse; it resets the connection instead
        elif host.thread is None:
            host.activate()  # a refusing host starts listening
        host.set(path, behaviour, **params)

    def reset(self, where: str | None = None) -> None:
        """Drop runtime overrides (all of this host's, or those of `where`)."""
        if where is None:
            self.host.reset()
        else:
            host, path = self.farm.locate(where, self.host)
            host.reset(path)


class DemoFarm:
    def __init__(self, timeout_hang_seconds: float = 60.0, port: int = 0, slow_seconds: float = 2.0,
                 ip_prefix: str = "127.0.0.") -> None:
        self.hang_seconds = float(timeout_hang_seconds)
        self.slow_seconds = float(slow_seconds)
        self.port = int(port)
        self.ip_prefix = ip_prefix
        self.stop_event = threading.Event()
        self.hosts: dict[str, Host] = {}
        self.portal_rows = {p["id"]: p for p in data.portals()}
        self.sp_rows = data.service_portals()
        self.sps: dict[str, ServicePortal] = {}
        self._truth: dict[str, Any] = {}
        self._running = False

    # -- lifecycle --------------------------------------------------------------------
    def __enter__(self) -> DemoFarm:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> DemoFarm:
        if self._running:
            return self
        self.stop_event.clear()
        content = data.content()
        try:
            for p in self.portal_rows.values():
                self._host(p["id"], p["ip"], content["platforms"][p["platform"]].get("server", "nginx"))
            for sp in self.sp_rows.values():
                if sp["style"] != "same_host":
                    self._host(sp["id"], sp["ip"], "nginx" if sp["style"] == "spa" else "Apache-Coyote/1.1")
            for sp in self.sp_rows.values():
                host = self.hosts[sp.get("host_of", sp["id"])]
                self.sps[sp["id"]] = spo = ServicePortal(sp, host, data.make_services(sp))
                spo.build()
            for p in self.portal_rows.values():
                PortalSite(p, self.hosts[p["id"]], self._resolver(p)).build()
            for pid, host in self.hosts.items():
                if self.portal_rows.get(pid, {}).get("behaviour") != "refused":
                    host.activate()
        except BaseException:
            self._stop_hosts()
            raise
        self._running = True
        self._truth = {pid: self._derive(p) for pid, p in self.portal_rows.items()}
        return self

    def stop(self) -> None:
        """Stop every host; never blocks on hanging or open connections."""
        self.stop_event.set()
        self._stop_hosts()
        self._running = False

    def _stop_hosts(self) -> None:
        threads = [threading.Thread(target=h.stop, daemon=True) for h in self.hosts.values()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=3)
        self.hosts.clear()
        self.sps.clear()

    def _host(self, hid: str, ip: int, server_header: str) -> Host:
        host = Host(hid, f"{self.ip_prefix}{ip}", self, server_header)
        host.bind(self.port)
        self.hosts[hid] = host
        return host

    # -- urls -------------------------------------------------------------------------
    def _resolver(self, p: dict[str, Any]) -> Any:
        def resolve(href: str) -> str:
            if href.startswith("@services"):
                return self.sps[p["services"]["portal"]].url().rstrip("/") + (href[len("@services"):] or "/")
            if href.startswith("@portal:"):
                return self.hosts[href[len("@portal:"):]].url("/")
            raise ValueError(f"{p['id']}: unknown href {href!r}")
        return resolve

    def url_of(self, host_id: str) -> str:
        if host_id in self.sps:
            return self.sps[host_id].url()
        return self.hosts[host_id].url("/")

    def services_url_of(self, pid: str) -> str:
        svc = (self.portal_rows.get(pid) or {}).get("services")
        return self.sps[svc["portal"]].url() if svc else ""

    def locate(self, where: str, default: Host) -> tuple[Host, str]:
        if where == "*" or where.startswith("/"):
            return default, where
        parts = urlsplit(where)
        for host in self.hosts.values():
            if (host.ip, host.port) == (parts.hostname, parts.port):
                return host, (parts.path or "/") + ("?" + parts.query if parts.query else "")
        raise KeyError(f"no farm host serves {where}")

    def portal(self, host_id: str) -> PortalHandle:
        """Handle of a portal (target id) or of a service portal (its id in service_portals.yaml)."""
        if host_id in self.sp_rows and self.sp_rows[host_id]["style"] == "same_host":
            host_id = self.sp_rows[host_id]["host_of"]
        return PortalHandle(self, host_id)

    # -- targets and truth ------------------------------------------------------------
    def targets(self) -> list[dict[str, str]]:
        rows = []
        for pid, p in self.portal_rows.items():
            svc = p.get("services") or {}
            rows.append({
                "id": pid, "name": p["name"], "kind": p["kind"], "group": p["group"],
                "portal_url": self.hosts[pid].url("/"),
                "services_url": self.services_url_of(pid) if svc.get("in_targets") else "",
                "parent": p.get("parent", ""), "notes": p.get("notes", ""),
            })
        return rows

    def write_targets_csv(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
            w.writeheader()
            for row in self.targets():
                w.writerow({**{c: "" for c in CSV_COLUMNS}, **row})
        return path

    def truth(self) -> dict[str, Any]:
        """Truth per target id, as the data defines it (runtime `set()` overrides not included)."""
        return json.loads(json.dumps(self._truth))

    def write_truth_json(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.truth(), ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    def _derive(self, p: dict[str, Any]) -> dict[str, Any]:
        svc = p.get("services")
        if not svc:
            return truth.derive(p, "", "", [], None)
        spo = self.sps[svc["portal"]]
        if spo.sp["style"] == "same_host":
            status = truth.portal_status(self.portal_rows[spo.sp["host_of"]])
        else:
            status = "live"
        return truth.derive(p, spo.url(), status, spo.services, lambda s: spo.host.url(s.path))
