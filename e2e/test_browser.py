"""The staff console in a browser (issue 18): headless Chromium driven through
chromedriver (Debian's packages) against a real `examhall serve`, which serves
the same Yew bundle the desktop embeds and answers its commands over HTTP.

  python3 e2e/test_browser.py            (no display needed: Chromium runs headless)
  python3 e2e/test_browser.py --measure  (first paint of the console, for docs/benchmarks.md)
Prints one line per test and a closing 'N passed, N failed'."""
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webdriver import Session  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.environ.get("EXAMHALL_CLI", os.path.join(ROOT, "target", "debug", "examhall"))
OUT = os.path.join(ROOT, "e2e", "out")
AXE = os.path.join(ROOT, "target", "e2e-node", "node_modules", "axe-core", "axe.min.js")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
ADMIN_PASSWORD = "hq-admin-password-1"

GIFT = """::Capital:: What is the capital of France? {=Paris ~Lyon ~Marseille}

::Boils:: Water boils at 100 °C at sea level. {T}

::Square:: What is 7 × 7? {#49}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`examhall serve` on its own data directory (HTTPS, its own certificate)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="examhall-hq-")
        os.chmod(self.dir, 0o700)
        self.port = free_port()
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        env = dict(os.environ, EXAMHALL_ADMIN_PASSWORD=ADMIN_PASSWORD, RUST_LOG="warn")
        self.proc = subprocess.Popen(
            [SERVER, "serve", "--data-dir", self.dir, "--addr", f"127.0.0.1:{self.port}",
             "--init-admin", "head", "--ui", os.path.join(ROOT, "ui", "dist")],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.base = f"https://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while "Staff console on" not in open(os.path.join(self.dir, "server.log")).read():
            assert self.proc.poll() is None, open(os.path.join(self.dir, "server.log")).read()
            assert time.time() < deadline, "the server did not start"
            time.sleep(0.2)

    def sql(self, query, *args):
        con = sqlite3.connect(os.path.join(self.dir, "examhall.sqlite"))
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self.log.close()


class Browser:
    """Headless Chromium through chromedriver."""

    def __init__(self):
        self.port = free_port()
        self.driver = subprocess.Popen([CHROMEDRIVER, f"--port={self.port}"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.profile = tempfile.mkdtemp(prefix="examhall-chromium-")
        caps = {
            "browserName": "chrome",
            # The server's certificate is its own (pinned by devices, not by a CA).
            "acceptInsecureCerts": True,
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--window-size=1280,900", f"--user-data-dir={self.profile}",
                         "--disable-dev-shm-usage"],
            },
        }
        self.s = Session(f"http://127.0.0.1:{self.port}", capabilities=caps, timeout=60)

    def quit(self):
        self.s.quit()
        self.driver.terminate()
        self.driver.wait(timeout=20)


def select(s, css, value):
    s.js("const e = document.querySelector(arguments[0]); e.value = arguments[1];"
         "e.dispatchEvent(new Event('change', {bubbles: true}));", css, value)


def login(s, username, password):
    s.wait("#login-username", timeout=30)
    s.type("#login-username", username, clear=True)
    s.type("#login-password", password, clear=True)
    s.click("#login-submit")
    s.wait("#who")


def axe_check(s, screen):
    """axe-core in the page: no serious or critical violation."""
    if not os.path.exists(AXE):
        raise AssertionError(f"{AXE} is missing (scripts/setup.sh --test installs it)")
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


def console_errors(s):
    """What the page wrote to its console as errors (a CSP refusal shows here)."""
    logs = s.cmd("POST", "/se/log", {"type": "browser"}) or []
    return [entry["message"] for entry in logs if entry.get("level") == "SEVERE"]


def test_hq_staff_work_in_a_browser_the_same_ui_over_http():
    hq = Server()
    b = Browser()
    s = b.s
    try:
        s.cmd("POST", "/url", {"url": hq.base + "/"})
        # The console is the app's own bundle, under a CSP that allows only it.
        login(s, "head", ADMIN_PASSWORD)
        assert s.text_of("#who").endswith("· admin"), s.text_of("#who")
        s.wait("#staff-home")
        os.makedirs(OUT, exist_ok=True)
        time.sleep(0.5)
        s.screenshot(os.path.join(OUT, "browser-staff-home.png"))
        axe_check(s, "staff home (browser)")
        # The session token lives in memory only: nothing in the browser's storage.
        stored = s.js("return JSON.stringify(Object.assign({}, localStorage, sessionStorage));")
        token_like = [v for v in stored.split('"') if len(v) == 64]
        assert not token_like, f"a token-like value in web storage: {stored}"
        assert s.js("return document.cookie;") == "", "no cookie carries the session"

        # Accounts: a teacher and an invigilator made on the Accounts screen.
        s.click("#nav-users")
        s.wait("#users-table")
        for role, username, name in [("teacher", "tara", "Tara Teacher"),
                                     ("invigilator", "ivan", "Ivan Invigilator")]:
            select(s, "#user-role", role)
            s.type("#user-username", username, clear=True)
            s.type("#user-display", name, clear=True)
            s.type("#user-password", f"{username}-initial-pass", clear=True)
            s.click("#user-create")
            s.wait("#users-notice", pred=lambda t, u=username: u in t)
        rows = hq.sql("SELECT username, role FROM users ORDER BY id")
        assert ("tara", "teacher") in rows and ("ivan", "invigilator") in rows, rows
        # A bad username is refused at the field, and nothing is added.
        s.type("#user-username", "x", clear=True)
        s.type("#user-password", "long enough pass", clear=True)
        s.click("#user-create")
        assert "username" in s.text_of("#users-error")
        assert len(hq.sql("SELECT id FROM users")) == 3
        time.sleep(0.3)
        s.screenshot(os.path.join(OUT, "browser-accounts.png"))
        axe_check(s, "accounts (browser)")
        s.click("#logout")

        # The teacher imports questions into the bank from a file she picks.
        gift = os.path.join(hq.dir, "capitals.gift")
        with open(gift, "w", encoding="utf-8") as f:
            f.write(GIFT)
        login(s, "tara", "tara-initial-pass")
        s.click("#nav-bank")
        s.type("#import-file", gift)
        s.wait("#import-summary", timeout=30, pred=lambda t: "3 questions read" in t)
        s.click("#import-all")
        s.wait("#import-done", timeout=30, pred=lambda t: "Imported 3" in t)
        titles = {r[0] for r in hq.sql("SELECT title FROM bank_questions")}
        assert titles == {"Capital", "Boils", "Square"}, titles
        time.sleep(0.3)
        s.screenshot(os.path.join(OUT, "browser-bank.png"))
        s.click("#logout")

        # A candidate signing in here is sent to the desktop app.
        s.cmd("POST", "/url", {"url": hq.base + "/"})
        login(s, "head", ADMIN_PASSWORD)
        s.click("#nav-users")
        select(s, "#user-role", "candidate")
        s.type("#user-username", "ann", clear=True)
        s.type("#user-display", "Ann Candidate", clear=True)
        s.type("#user-password", "ann-initial-pass", clear=True)
        s.click("#user-create")
        s.wait("#users-notice", pred=lambda t: "ann" in t)
        s.click("#logout")
        login(s, "ann", "ann-initial-pass")
        if s.find_all("#password-forced"):
            s.type("#password-current", "ann-initial-pass", clear=True)
            s.type("#password-new", "ann-own-password-1", clear=True)
            s.type("#password-again", "ann-own-password-1", clear=True)
            s.click("#password-save")
        s.wait("#exams-desktop-only", timeout=20)
        s.screenshot(os.path.join(OUT, "browser-candidate-sent-to-desktop.png"))

        errors = [e for e in console_errors(s) if "Content Security Policy" in e or "Refused" in e]
        assert not errors, f"the CSP refused part of the app: {errors}"
    except Exception:
        s.screenshot(os.path.join(OUT, "browser-failed.png"))
        print(console_errors(s))
        raise
    finally:
        b.quit()
        hq.stop()


def measure(runs=5):
    """First paint of the console on loopback: navigation start to the first
    contentful paint, and to the sign-in form (the wasm loaded and running)."""
    hq = Server()
    b = Browser()
    s = b.s
    try:
        fcp, form = [], []
        for _ in range(runs):
            s.cmd("POST", "/url", {"url": "about:blank"})
            s.cmd("POST", "/url", {"url": hq.base + "/"})
            s.wait("#login-username", timeout=30)
            t = s.js("""
                const p = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
                return [p ? p.startTime : -1, performance.now()];""")
            fcp.append(t[0])
            form.append(t[1])
        gz = int(subprocess.run(
            ["curl", "-sk", "-H", "Accept-Encoding: gzip", "-o", "/dev/null", "-w", "%{size_download}",
             hq.base + "/examhall_ui_bg.wasm"], capture_output=True, text=True, check=True).stdout)
        raw = os.path.getsize(os.path.join(ROOT, "ui", "dist", "examhall_ui_bg.wasm"))
        fcp.sort()
        form.sort()
        print(f"first contentful paint ms: median {fcp[len(fcp) // 2]:.0f} (runs {[round(x) for x in fcp]})")
        print(f"sign-in form shown ms (upper bound: measured after the wait): median {form[len(form) // 2]:.0f}")
        print(f"wasm: {raw} bytes, {gz} bytes gzip as served")
    finally:
        b.quit()
        hq.stop()


def main():
    if "--measure" in sys.argv:
        measure()
        return
    tests = [v for k, v in globals().items() if k.startswith("test_") and callable(v)]
    only = sys.argv[1:]
    os.makedirs(OUT, exist_ok=True)
    passed = failed = 0
    for t in tests:
        if only and not any(o in t.__name__ for o in only):
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


if __name__ == "__main__":
    main()
