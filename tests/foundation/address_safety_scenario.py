"""Run inside a private network namespace (unshare -n): a "public" portal on
11.0.0.1 (a globally routable address that exists only in this namespace)
redirects and links into 127.0.0.1 and 169.254.169.254. Prints JSON."""
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
hits = {"internal": 0}


class Public(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        target = {"/redirect-inside": "http://127.0.0.1:18081/secret",
                  "/redirect-metadata": "http://169.254.169.254/latest/meta-data/"}.get(self.path)
        if target:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"<html><body>ok</body></html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Internal(Public):
    def do_GET(self):
        hits["internal"] += 1
        super().do_GET()


def main(tmp: str) -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["ip", "addr", "add", "11.0.0.1/32", "dev", "lo"], check=True)
    servers = [ThreadingHTTPServer(("11.0.0.1", 18080), Public), ThreadingHTTPServer(("127.0.0.1", 18081), Internal)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    targets = Path(tmp) / "targets.csv"
    targets.write_text(
        "id,name,kind,group,portal_url,services_url\n"
        "public-inside,P,province,tinh,http://11.0.0.1:18080/redirect-inside,\n"
        "public-metadata,P,province,tinh,http://11.0.0.1:18080/redirect-metadata,\n"
        "public-ok,P,province,tinh,http://11.0.0.1:18080/,\n"
        "listed-local,L,province,tinh,http://127.0.0.1:18081/page,\n", encoding="utf-8")
    db = Path(tmp) / "r.db"
    env = {"PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}", "SCRAPY_SETTINGS_MODULE": "crawler.settings", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "scrapy", "runspider", "tests/foundation/probe_spider.py",
                             "-a", f"targets={targets}", "-s", f"PORTALCHECK_DB={db}", "-s", "ROBOTSTXT_OBEY=0",
                             "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=0", "-s", "LOG_LEVEL=WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    import sqlite3

    rows = sqlite3.connect(db).execute("SELECT target_id, status, error FROM fetches").fetchall()
    print(json.dumps({"rc": result.returncode, "stderr": result.stderr[-2000:], "hits": hits,
                      "fetches": rows}))


if __name__ == "__main__":
    main(sys.argv[1])
