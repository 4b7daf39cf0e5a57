"""One writer process for test_concurrent_writers: `python concurrent_writer.py DB MODE N`."""
import sys

from results import store

db_path, mode, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = store.open_db(db_path)
run_id = store.create_run(db, mode=mode)
for i in range(count):
    rows = {"fetches": [{"target_id": f"t{i}", "purpose": "homepage", "url": f"http://127.0.0.1/{i}/{j}",
                         "status": "live", "http_status": 200} for j in range(40)],
            "observations": [{"target_id": f"t{i}", "category": "section", "key": "hoi_dap",
                              "outcome": "pass", "evidence": {"i": i}}]}
    store.complete_target(db, run_id, f"t{i}", mode, rows, {"name": f"Đơn vị {i}", "portal_status": "live"})
store.finish_run(db, run_id)
print(run_id)
