"""Runs the real Examhall binary under tauri-driver with its own data directory."""
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time

from webdriver import Session, WebDriverError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP = os.environ.get("EXAMHALL_BIN", os.path.join(ROOT, "target", "debug", "examhall-desktop"))
OUT = os.path.join(ROOT, "e2e", "out")


class Desktop:
    """One lab desktop: a data directory, tauri-driver, and app sessions on it."""

    def __init__(self, port, demo=True, env=None):
        self.dir = tempfile.mkdtemp(prefix="examhall-e2e-")
        self.port = port
        # The webview keeps its storage (language, display settings) under XDG_DATA_HOME:
        # one per desktop, as on separate machines.
        env = dict(os.environ, EXAMHALL_DATA_DIR=self.dir, EXAMHALL_DEMO="1" if demo else "0",
                   XDG_DATA_HOME=os.path.join(self.dir, "xdg-data"),
                   XDG_CACHE_HOME=os.path.join(self.dir, "xdg-cache"),
                   RUST_LOG=os.environ.get("E2E_RUST_LOG", "warn"), **(env or {}))
        self.log = open(os.path.join(self.dir, "driver.log"), "w")
        self.driver = subprocess.Popen(
            ["tauri-driver", "--port", str(port), "--native-port", str(port + 1)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.session = None

    @property
    def db(self):
        return os.path.join(self.dir, "examhall.sqlite")

    def launch(self):
        self.session = Session(f"http://127.0.0.1:{self.port}", APP)
        return self.session

    def app_pids(self):
        """This desktop's app processes: descendants of its own tauri-driver (another
        desktop's window may be running beside it)."""
        found, todo = [], [self.driver.pid]
        while todo:
            out = subprocess.run(["pgrep", "-P", str(todo.pop())], capture_output=True, text=True).stdout
            for p in (int(x) for x in out.split()):
                todo.append(p)
                try:
                    with open(f"/proc/{p}/cmdline", "rb") as f:
                        arg0 = f.read().split(b"\0")[0].decode(errors="replace")
                    if os.path.basename(arg0) == os.path.basename(APP):
                        found.append(p)
                except OSError:
                    pass
        return found

    def kill9(self):
        """Power cut: SIGKILL the app, then drop the dead session."""
        pids = self.app_pids()
        assert pids, "the app should be running before it is killed"
        for p in pids:
            os.kill(p, signal.SIGKILL)
        for _ in range(50):
            if not self.app_pids():
                break
            time.sleep(0.1)
        if self.session:
            self.session.quit()
            self.session = None

    def wait_exit(self, timeout=15):
        """The app closed itself: wait for its processes to end, drop the session."""
        deadline = time.time() + timeout
        while self.app_pids():
            assert time.time() < deadline, "the app did not exit"
            time.sleep(0.1)
        if self.session:
            self.session.quit()
            self.session = None

    def close(self):
        if self.session:
            self.session.quit()
        self.driver.terminate()
        try:
            self.driver.wait(5)
        except subprocess.TimeoutExpired:
            self.driver.kill()
        self.log.close()
        if os.environ.get("E2E_KEEP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    def webview_aborts(self):
        """How many times WebKitGTK's web process aborted at start (an environment
        fault under Xvfb that ends the WebDriver session; see the kill-9 loop)."""
        self.log.flush()
        with open(os.path.join(self.dir, "driver.log"), errors="replace") as f:
            return f.read().count("getauxval () failed")

    # --- reading what was committed, straight from the SQLite file ---
    def stored_answers(self):
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT question_id, answer FROM attempt_answers").fetchall()
        finally:
            con.close()
        return {q: (json.loads(a) if a else None) for q, a in rows}

    def wait_count(self, sql, what, timeout):
        """Waits until `sql` (a SELECT count(*)) is non-zero in this desktop's database."""
        deadline = time.time() + timeout
        while True:
            con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
            try:
                n = con.execute(sql).fetchone()[0]
            finally:
                con.close()
            if n:
                return n
            assert time.time() < deadline, f"{what} within {timeout} s"
            time.sleep(0.2)

    def verify_chains(self):
        """Recomputes every attempt's hash chain independently of the Rust code."""
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            total = 0
            for (attempt,) in con.execute("SELECT id FROM attempts"):
                prev = "0" * 64
                rows = con.execute(
                    "SELECT seq, at, payload, prev_hash, hash FROM attempt_events WHERE attempt_id = ? ORDER BY seq",
                    (attempt,)).fetchall()
                for i, (seq, at, payload, prev_hash, h) in enumerate(rows, start=1):
                    assert seq == i, f"{attempt}: sequence gap at {seq}"
                    assert prev_hash == prev, f"{attempt}: broken link at {seq}"
                    d = hashlib.sha256()
                    for part in (prev, attempt, str(seq), str(at), payload):
                        b = part.encode()
                        d.update(len(b).to_bytes(8, "big"))
                        d.update(b)
                    assert d.hexdigest() == h, f"{attempt}: event {seq} does not match its hash"
                    prev = h
                    total += 1
            return total
        finally:
            con.close()


def login(s, username, password):
    s.wait("#login-username")
    s.type("#login-username", username, clear=True)
    s.type("#login-password", password, clear=True)
    s.click("#login-submit")
    s.wait("#who")


def logout(s):
    s.click("#logout")
    s.wait("#login-username")


def wait_saved(s, after_seq, timeout=15):
    """Waits until the UI says every change is saved and the log has moved past `after_seq`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        unsaved = s.attr("#save-status", "data-unsaved")
        seq = int(s.attr("#save-status", "data-seq") or 0)
        if unsaved == "0" and seq > after_seq:
            return seq
        time.sleep(0.05)
    raise WebDriverError(f"answers not acknowledged within {timeout}s: {s.text_of('#save-status')}")


def timer_secs(s):
    t = s.text_of("#timer").strip()
    parts = [int(x) for x in t.split(":")]
    secs = 0
    for p in parts:
        secs = secs * 60 + p
    return secs


AXE = os.path.join(ROOT, "target", "e2e-node", "node_modules", "axe-core", "axe.min.js")


def select(s, css, value):
    """Chooses an option in a <select> and fires its change event, as a click would."""
    s.js("const e = document.querySelector(arguments[0]); e.value = arguments[1];"
         "e.dispatchEvent(new Event('change', {bubbles: true}));", css, value)


def axe_check(s, screen):
    """axe-core (npm) in the page: no serious or critical violations."""
    if not s.js("return typeof window.axe === 'object';"):
        with open(AXE) as f:
            s.js(f.read() + "\nreturn true;")
    found = s.js_async("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v =>
            ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))),
            e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
    """)
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    assert not bad, f"{screen}: axe found {bad}"
    return found


def run_tests(namespace, argv):
    """Runs every `test_*` function of `namespace` (those whose names contain one
    of `argv`, if given), one line each, and exits 1 if any failed or none ran."""
    import sys
    import traceback
    tests = [v for k, v in namespace.items() if k.startswith("test_") and callable(v)]
    os.makedirs(OUT, exist_ok=True)
    passed = failed = 0
    for t in tests:
        if argv and not any(o in t.__name__ for o in argv):
            continue
        t0 = time.time()
        try:
            t()
            passed += 1
            print(f"test {t.__name__} ... ok ({time.time() - t0:.1f}s)")
        except Exception:
            failed += 1
            print(f"test {t.__name__} ... FAILED ({time.time() - t0:.1f}s)")
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)
