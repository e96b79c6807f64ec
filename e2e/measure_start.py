"""Start-up time and idle memory of the desktop app, under a real X display (Xvfb).

  xvfb-run -a -s "-screen 0 1280x800x24" python3 e2e/measure_start.py [BIN] [--runs N] [--json] [--baseline]

--baseline also measures the floor, a bare WebKitGTK window showing a static page
(e2e/baseline_webview.py, Debian's python3-gi), the same way, and prints the ratios.

Start-up: wall clock from spawning the binary to the moment its UI, running in the
webview, asks for its first screen (`setup_status`; the login screen renders from that
answer). The app logs the same moment against its own start; both are reported.
The data directory holds the demo centre, seeded by an unmeasured first run (as on a
lab machine, which starts on an existing database). Where the kernel allows it
(root), the page cache is dropped before each run, so the runs are cold starts.

Idle memory: 5 s after start-up, the resident set of the app and of the WebKit
processes it spawned (web content, network), summed; PSS beside it, which shares
the libraries they have in common fairly instead of counting them in each process."""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        kids = subprocess.run(["pgrep", "-P", str(p)], capture_output=True, text=True).stdout.split()
        todo += [int(k) for k in kids]
    return out


def kib(pid, path, field):
    try:
        with open(f"/proc/{pid}/{path}") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def drop_caches():
    try:
        subprocess.run(["sync"], check=True)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


APP_READY = "asked for its first screen"
BASELINE_READY = "the page is shown"


def one_run(binary, data_dir, idle_secs=5.0, timeout=60.0, baseline=False):
    env = dict(os.environ, EXAMHALL_DATA_DIR=data_dir, EXAMHALL_DEMO="1",
               RUST_LOG="warn,examhall::startup=info", NO_COLOR="1")
    cmd = ["/usr/bin/python3", os.path.join(ROOT, "e2e", "baseline_webview.py")] if baseline else [binary]
    ready = BASELINE_READY if baseline else APP_READY
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    own_ms = None
    try:
        for line in proc.stderr:
            if ready in line:
                wall_ms = (time.monotonic() - t0) * 1000
                m = re.search(r"ms=(\d+)", line)
                own_ms = int(m.group(1)) if m else None
                break
        else:
            raise SystemExit(f"{binary} exited ({proc.wait()}) before its window asked for a screen")
        if time.monotonic() - t0 > timeout:
            raise SystemExit(f"start-up took longer than {timeout} s")
        time.sleep(idle_secs)
        pids = descendants(proc.pid)
        rss = sum(kib(p, "status", "VmRSS") for p in pids)
        pss = sum(kib(p, "smaps_rollup", "Pss") for p in pids)
        app_rss = kib(proc.pid, "status", "VmRSS")
        return {"wall_ms": round(wall_ms, 1), "app_ms": own_ms, "rss_mib": round(rss / 1024, 1),
                "pss_mib": round(pss / 1024, 1), "app_rss_mib": round(app_rss / 1024, 1), "processes": len(pids)}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main():
    args = sys.argv[1:]
    runs = 5
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i:i + 2]
    as_json = "--json" in args
    with_baseline = "--baseline" in args
    args = [a for a in args if a not in ("--json", "--baseline")]
    binary = args[0] if args else os.path.join(ROOT, "target", "release", "examhall-desktop")
    data_dir = tempfile.mkdtemp(prefix="examhall-start-")
    try:
        first = one_run(binary, data_dir, idle_secs=1.0)   # seeds the demo centre; not counted
        results, cold = [], True
        for _ in range(runs):
            cold = drop_caches() and cold
            results.append(one_run(binary, data_dir))
        wall = [r["wall_ms"] for r in results]
        summary = {
            "binary": binary, "runs": runs, "cold_cache": cold,
            "first_start_with_seeding_ms": first["wall_ms"],
            "start_wall_ms_median": statistics.median(wall), "start_wall_ms_max": max(wall),
            "start_app_ms_median": statistics.median(r["app_ms"] for r in results),
            "idle_rss_mib_median": statistics.median(r["rss_mib"] for r in results),
            "idle_pss_mib_median": statistics.median(r["pss_mib"] for r in results),
            "app_process_rss_mib_median": statistics.median(r["app_rss_mib"] for r in results),
            "processes": results[-1]["processes"], "each": results,
        }
        if with_baseline:
            base = []
            for _ in range(runs):
                drop_caches()
                base.append(one_run(binary, data_dir, baseline=True))
            b = {k: statistics.median(r[k] for r in base) for k in ("wall_ms", "rss_mib", "pss_mib")}
            summary["baseline_webview"] = b
            summary["start_ratio_to_bare_webview"] = round(summary["start_wall_ms_median"] / b["wall_ms"], 2)
            summary["pss_ratio_to_bare_webview"] = round(summary["idle_pss_mib_median"] / b["pss_mib"], 2)
        if as_json:
            print(json.dumps(summary))
        else:
            for k, v in summary.items():
                if k != "each":
                    print(f"{k:32} {v}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
