"""Run inside private network and mount namespaces (`unshare -n -m`): a
"public" portal on 11.0.0.1 (a globally routable address that exists only in
this namespace) redirects and links into 127.0.0.1 and 169.254.169.254, by IP
and by names that resolve to them (/etc/hosts, bind-mounted in this namespace
only), and a page rendered in Chromium loads scripts, XHRs and a WebSocket
from inside. Prints JSON: what reached the inside, and the fetches stored."""
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
hits = {"internal": 0, "internal_paths": [], "public_js": 0, "websocket": 0, "public_paths": []}
INSIDE = "http://intranet.portalcheck-test.vn:18081"
RENDERED = f"""<html><head><title>Cổng thông tin</title>
<script src="http://public.portalcheck-test.vn:18080/app.js"></script>
<script src="{INSIDE}/by-name.js"></script>
<script src="http://127.0.0.1:18081/by-ip.js"></script>
</head><body><p>Cổng thông tin điện tử</p>
<img src="{INSIDE}/pixel.png">
<script>
fetch("{INSIDE}/xhr").catch(() => null);
try {{ new WebSocket("ws://127.0.0.1:18082/"); }} catch (e) {{}}
try {{ new WebSocket("ws://intranet.portalcheck-test.vn:18082/"); }} catch (e) {{}}
</script></body></html>"""
# A page whose script takes the whole tab inside (a top-level navigation, which Chromium's own
# Local Network Access checks do not cover), and a page on a private address that reaches out
# to a public one (the direction Chromium allows): both must be refused by portalcheck's route.
NAVIGATES_INSIDE = f"""<html><head><title>Cổng</title></head><body><p>Cổng thông tin điện tử</p>
<script>location.href = "{INSIDE}/navigated-inside";</script></body></html>"""
LOCAL_RENDERED = """<html><head><title>Cổng nội bộ</title>
<script src="http://public.portalcheck-test.vn:18080/from-local.js"></script></head>
<body><p>Cổng thông tin điện tử</p><img src="http://127.0.0.1:18081/local-pixel.png">
<script>fetch("http://11.0.0.1:18080/from-local-xhr").catch(() => null);</script></body></html>"""


class Public(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        target = {"/redirect-inside": "http://127.0.0.1:18081/secret",
                  "/redirect-metadata": "http://169.254.169.254/latest/meta-data/",
                  "/redirect-by-name": f"{INSIDE}/secret-by-name",
                  # 127.0.0.1 written as one decimal number: a name to urlsplit, an IP to the resolver
                  "/redirect-decimal": "http://2130706433:18081/secret-decimal"}.get(self.path)
        if target:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/app.js":
            hits["public_js"] += 1
        if self.server.server_address[0] == "11.0.0.1":
            hits["public_paths"].append(self.path)
        pages = {"/render": RENDERED, "/render-navigates": NAVIGATES_INSIDE, "/render-local": LOCAL_RENDERED}
        body = pages.get(self.path, "<html><body>ok</body></html>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Internal(Public):
    def do_GET(self):
        hits["internal"] += 1
        hits["internal_paths"].append(self.path)
        super().do_GET()


def websocket_listener() -> None:
    """Counts TCP connections to the port a page's WebSocket aims at."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 18082))
    listener.listen()
    while True:
        conn, _ = listener.accept()
        hits["websocket"] += 1
        conn.close()


def main(tmp: str) -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["ip", "addr", "add", "11.0.0.1/32", "dev", "lo"], check=True)
    hosts = Path(tmp) / "hosts"
    hosts.write_text("127.0.0.1 localhost\n11.0.0.1 public.portalcheck-test.vn\n"
                     "127.0.0.1 intranet.portalcheck-test.vn\n", encoding="utf-8")
    subprocess.run(["mount", "--bind", str(hosts), "/etc/hosts"], check=True)
    servers = [ThreadingHTTPServer(("11.0.0.1", 18080), Public), ThreadingHTTPServer(("127.0.0.1", 18081), Internal)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=websocket_listener, daemon=True).start()
    targets = Path(tmp) / "targets.csv"
    targets.write_text(
        "id,name,kind,group,portal_url,services_url\n"
        "public-inside,P,province,tinh,http://11.0.0.1:18080/redirect-inside,\n"
        "public-metadata,P,province,tinh,http://11.0.0.1:18080/redirect-metadata,\n"
        "public-by-name,P,province,tinh,http://public.portalcheck-test.vn:18080/redirect-by-name,\n"
        "public-decimal,P,province,tinh,http://11.0.0.1:18080/redirect-decimal,\n"
        "name-inside,P,province,tinh,http://intranet.portalcheck-test.vn:18081/listed-by-name,\n"
        "public-render,P,province,tinh,http://public.portalcheck-test.vn:18080/render,\n"
        "public-navigates,P,province,tinh,http://public.portalcheck-test.vn:18080/render-navigates,\n"
        "local-render,L,province,tinh,http://127.0.0.1:18081/render-local,\n"
        "public-ok,P,province,tinh,http://11.0.0.1:18080/,\n"
        "listed-local,L,province,tinh,http://127.0.0.1:18081/page,\n", encoding="utf-8")
    db = Path(tmp) / "r.db"
    # A short TMPDIR: Chromium's profile socket path must fit in 108 bytes.
    short_tmp = tempfile.mkdtemp(prefix="pc-ns-", dir="/tmp")
    env = {"PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}", "SCRAPY_SETTINGS_MODULE": "crawler.settings",
           "PATH": "/usr/bin:/bin", "TMPDIR": short_tmp, "HOME": short_tmp}
    result = subprocess.run([sys.executable, "-m", "scrapy", "runspider", "tests/foundation/probe_spider.py",
                             "-a", f"targets={targets}", "-s", f"PORTALCHECK_DB={db}", "-s", "ROBOTSTXT_OBEY=0",
                             "-s", "DOWNLOAD_TIMEOUT=10", "-s", "RETRY_TIMES=0", "-s", "LOG_LEVEL=WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=150)
    shutil.rmtree(short_tmp, ignore_errors=True)
    rows = sqlite3.connect(db).execute("SELECT target_id, status, error FROM fetches").fetchall()
    print(json.dumps({"rc": result.returncode, "stderr": result.stderr[-2000:], "hits": hits,
                      "fetches": rows}))


if __name__ == "__main__":
    main(sys.argv[1])
