"""The staff console in a browser (issue 18): headless Chromium driven through
chromedriver (Debian's packages) against a real `examhall serve`, which serves
the same Yew bundle the desktop embeds and answers its commands over HTTP.

  python3 e2e/test_browser.py            (no display needed: Chromium runs headless)
  python3 e2e/test_browser.py --measure  (first paint of the console, for docs/benchmarks.md)
Prints one line per test and a closing 'N passed, N failed'."""
import json
import os
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import axe_check, login, run_tests, select  # noqa: E402
from webdriver import Session  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.environ.get("EXAMHALL_CLI", os.path.join(ROOT, "target", "debug", "examhall"))
OUT = os.path.join(ROOT, "e2e", "out")
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
    """`examhall serve` on its own data directory (HTTPS, its own certificate):
    HQ, or with `extra` arguments a centre hub relaying to it."""

    def __init__(self, admin="head", extra=(), name="hq"):
        self.dir = tempfile.mkdtemp(prefix=f"examhall-{name}-")
        os.chmod(self.dir, 0o700)
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "w")
        env = dict(os.environ, EXAMHALL_ADMIN_PASSWORD=ADMIN_PASSWORD, RUST_LOG="warn")
        self.proc = subprocess.Popen(
            [SERVER, "serve", "--data-dir", self.dir, "--addr", f"127.0.0.1:{self.port}",
             "--init-admin", admin, "--ui", os.path.join(ROOT, "ui", "dist"), *extra],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.base = f"https://127.0.0.1:{self.port}"
        deadline = time.time() + 90
        while "Staff console on" not in open(self.log_path).read():
            assert self.proc.poll() is None, open(self.log_path).read()
            assert time.time() < deadline, "the server did not start: " + open(self.log_path).read()
            time.sleep(0.2)

    def sql(self, query, *args):
        con = sqlite3.connect(os.path.join(self.dir, "examhall.sqlite"))
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    def register(self, username, password, role=None):
        """What the platform's own client does: a person registers themselves
        (a student at once, a teacher waiting for approval)."""
        body = {"username": username, "password": password}
        if role:
            body["role"] = role
        req = urllib.request.Request(self.base + "/api/users/register/", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, context=ssl._create_unverified_context(), timeout=30) as r:
            assert r.status == 201, r.status

    def stop(self):
        if self.proc.poll() is None:
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
        self.downloads = tempfile.mkdtemp(prefix="examhall-downloads-")
        caps = {
            "browserName": "chrome",
            # The server's certificate is its own (pinned by devices, not by a CA).
            "acceptInsecureCerts": True,
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--window-size=1280,900", f"--user-data-dir={self.profile}",
                         "--disable-dev-shm-usage"],
                "prefs": {"download.default_directory": self.downloads,
                          "download.prompt_for_download": False},
            },
        }
        self.s = Session(f"http://127.0.0.1:{self.port}", capabilities=caps, timeout=60)

    def quit(self):
        self.s.quit()
        self.driver.terminate()
        self.driver.wait(timeout=20)



def console_errors(s):
    """What the page wrote to its console as errors (a CSP refusal shows here)."""
    logs = s.cmd("POST", "/se/log", {"type": "browser"}) or []
    return [entry["message"] for entry in logs if entry.get("level") == "SEVERE"]


def shot(s, name):
    time.sleep(0.4)
    s.screenshot(os.path.join(OUT, name))


def test_hq_runs_a_centre_from_the_browser_a_hub_and_a_seat_sit_through_it():
    """The done-when of issue 18, in a browser: the HQ administrator approves a
    teacher; the teacher imports questions and builds an exam; the administrator
    issues an enrolment token for a centre hub and publishes the package to that
    centre; a real hub enrols with it and a windowless seat sits and submits
    through it (the hub run from its own console in the same browser); HQ sees
    the attempt arrive, the package reconcile complete, and the statistics."""
    hq = Server()
    hub = seat = None
    b = Browser()
    s = b.s
    try:
        # People of the platform register themselves: a teacher (waiting for
        # approval) and a student.
        hq.register("tina", "tina-own-password-1", role="teacher")
        hq.register("ann", "ann-own-password-1")

        s.cmd("POST", "/url", {"url": hq.base + "/"})
        login(s, "head", ADMIN_PASSWORD)
        assert s.text_of("#who").endswith("· admin"), s.text_of("#who")
        s.wait("#staff-home")
        os.makedirs(OUT, exist_ok=True)
        shot(s, "browser-staff-home.png")
        axe_check(s, "staff home (browser)")
        # The session token lives in memory only: nothing in the browser's storage.
        stored = s.js("return JSON.stringify(Object.assign({}, localStorage, sessionStorage));")
        token_like = [v for v in stored.split('"') if len(v) == 64]
        assert not token_like, f"a token-like value in web storage: {stored}"
        assert s.js("return document.cookie;") == "", "no cookie carries the session"

        # Accounts: Tina waits for approval; the administrator approves her.
        s.click("#nav-users")
        s.wait("#user-tina", pred=lambda t: "Awaiting approval" in t)
        assert hq.sql("SELECT approved FROM users WHERE username = 'tina'") == [(0,)]
        s.click("#approve-tina")
        s.wait("#users-notice", pred=lambda t: "tina is approved" in t)
        assert hq.sql("SELECT approved FROM users WHERE username = 'tina'") == [(1,)]
        # A bad username is refused at the field, and nothing is added.
        s.type("#user-username", "x", clear=True)
        s.type("#user-password", "long enough pass", clear=True)
        s.click("#user-create")
        assert "username" in s.text_of("#users-error")
        assert len(hq.sql("SELECT id FROM users")) == 3
        shot(s, "browser-accounts.png")
        axe_check(s, "accounts (browser)")
        s.click("#logout")

        # Tina imports questions from a file she picks, and builds the exam.
        gift = os.path.join(hq.dir, "capitals.gift")
        with open(gift, "w", encoding="utf-8") as f:
            f.write(GIFT)
        login(s, "tina", "tina-own-password-1")
        s.click("#nav-bank")
        s.type("#import-file", gift)
        s.wait("#import-summary", timeout=30, pred=lambda t: "3 questions read" in t)
        s.click("#import-all")
        s.wait("#import-done", timeout=30, pred=lambda t: "Imported 3" in t)
        bank = dict(hq.sql("SELECT title, id FROM bank_questions"))
        assert set(bank) == {"Capital", "Boils", "Square"}, bank
        shot(s, "browser-bank.png")
        axe_check(s, "question bank (browser)")
        s.click("#nav-builder")
        s.type("#builder-title", "Capitals quiz", clear=True)
        s.type("#builder-duration", "20", clear=True)
        s.click("#builder-add-section")
        s.type("#section-title-0", "All", clear=True)
        s.click("#section-add-fixed-0")
        for title in ("Capital", "Boils", "Square"):
            s.click(f"#pick-0-{bank[title]}")
        s.click("#picker-close-0")
        ann_id = hq.sql("SELECT id FROM users WHERE username = 'ann'")[0][0]
        s.click(f"#cand-{ann_id}")
        s.click("#builder-publish")
        s.wait("#publish-result", timeout=30, pred=lambda t: "Published as exam" in t)
        exam_id = hq.sql("SELECT id FROM exams WHERE title = 'Capitals quiz'")[0][0]
        shot(s, "browser-builder-published.png")
        axe_check(s, "exam builder (browser)")
        s.click("#logout")

        # HQ's screen: a token for the centre's hub, then the package for north.
        login(s, "head", ADMIN_PASSWORD)
        s.click("#nav-hq")
        s.wait("#hq-no-devices")
        s.type("#hq-enrol-centre", "north", clear=True)
        s.click("#hq-enrol-submit")
        hub_token = s.text_of("#hq-token").strip()
        assert hub_token, "a token is shown"
        axe_check(s, "HQ (browser)")
        hub = Server(admin="hubadmin", name="hub",
                     extra=["--upstream", hq.base, "--enrolment-token", hub_token, "--hub-name", "North hub"])
        s.wait("#hq-devices", timeout=30, pred=lambda t: "North hub" in t and "Hub" in t)
        hub_device = hq.sql("SELECT id FROM devices WHERE name = 'North hub'")[0][0]
        select(s, "#hq-publish-exam", str(exam_id))
        s.type("#hq-publish-centre", "north", clear=True)
        s.type("#hq-publish-candidates", "ann", clear=True)
        s.click("#hq-publish-submit")
        code = s.text_of("#hq-start-code").strip()
        package = hq.sql("SELECT id FROM packages WHERE origin = 'published'")[0][0]
        s.wait(f"#hq-package-{package}", pred=lambda t: "north" in t)
        # A token for the seat, through the centre's hub.
        s.type("#hq-enrol-centre", "north", clear=True)
        s.wait(f"#hq-enrol-hub option[value='{hub_device}']")
        select(s, "#hq-enrol-hub", hub_device)
        s.click("#hq-enrol-submit")
        seat_token = s.wait("#hq-token", pred=lambda t: t.strip() not in ("", hub_token))
        seat_token = s.text(seat_token).strip()
        # The tokens are listed (never shown again): the hub's used by the hub; a
        # spare one issued by mistake is withdrawn and stops working at once.
        import hashlib
        # HQ keeps the SHA-256 of the secret (the part before the certificate fingerprint).
        def token_id(token):
            return hashlib.sha256(token.split("-", 1)[0].encode()).hexdigest()
        hub_id = token_id(hub_token)[:12]
        s.wait(f"#hq-token-row-{hub_id}", pred=lambda t: "Used by North hub" in t)
        s.type("#hq-enrol-centre", "north", clear=True)
        select(s, "#hq-enrol-hub", "")
        s.click("#hq-enrol-submit")
        spare = s.text(s.wait("#hq-token", pred=lambda t: t.strip() not in ("", hub_token, seat_token))).strip()
        spare_id = token_id(spare)
        s.click(f"#hq-withdraw-{spare_id[:12]}")
        s.wait(f"#hq-token-row-{spare_id[:12]}", pred=lambda t: "withdrawn" in t)
        (expires,) = hq.sql("SELECT expires_at FROM enrolment_tokens WHERE token_hash = ?", spare_id)[0]
        assert expires <= time.time() * 1000 + 1000, expires
        shot(s, "browser-hq.png")
        s.click("#logout")

        # The hub, run from its own console in the browser: the package arrives,
        # the invigilator opens it with HQ's start code and sets up the room.
        s.cmd("POST", "/url", {"url": hub.base + "/"})
        login(s, "hubadmin", ADMIN_PASSWORD)
        s.click("#nav-rooms")
        s.wait(f"#pkg-code-{package}", timeout=40)
        s.type(f"#pkg-code-{package}", code)
        s.click(f"#pkg-open-{package}")
        hub_exam = None
        deadline = time.time() + 20
        while hub_exam is None and time.time() < deadline:
            rows = hub.sql("SELECT id FROM exams WHERE package_id = ?", package)
            hub_exam = rows[0][0] if rows else None
            time.sleep(0.2)
        assert hub_exam, "the hub opened the package"
        # The room's exam picker looks again every 5 s: the opened package appears.
        s.wait(f"#room-exam option[value='{hub_exam}']", timeout=20)
        select(s, "#room-exam", str(hub_exam))
        s.type("#room-name", "North hall", clear=True)
        s.type("#room-seats-count", "10", clear=True)
        s.click("#room-create")
        s.wait("#room-open")
        env = dict(os.environ, EXAMHALL_PASSWORD="ann-own-password-1", RUST_LOG="error")
        seat_dir = tempfile.mkdtemp(prefix="examhall-seat-")
        os.chmod(seat_dir, 0o700)
        seat = subprocess.Popen(
            [SERVER, "seat", "--data-dir", seat_dir, "--hub", hub.base, "--enrolment-token", seat_token,
             "--name", "North seat 1", "--candidate", "ann", "--start-code", code,
             "--answer-every-ms", "300", "--heartbeat-ms", "1000"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
        select(s, "#attendance-ann", "present")
        s.click("#room-open")
        assert s.text_of("#room-start-code").strip() == code
        out, _ = seat.communicate(timeout=120)
        assert seat.returncode == 0, f"the seat failed: {out}"
        shot(s, "browser-hub-console.png")
        axe_check(s, "the hub's room console (browser)")
        s.click("#logout")

        # Back at HQ: the attempt arrives (the hub forwards it), the package
        # reconciles complete, and the results and statistics are there.
        s.cmd("POST", "/url", {"url": hq.base + "/"})
        login(s, "head", ADMIN_PASSWORD)
        s.click("#nav-hq")
        s.wait(f"#hq-held-{package}", timeout=60, pred=lambda t: t.strip() == "1")
        deadline = time.time() + 60
        while True:
            s.click(f"#hq-reconcile-{package}")
            verdict = s.text_of("#hq-recon-verdict")
            if verdict.startswith("Complete") or time.time() > deadline:
                break
            time.sleep(2)
        assert verdict.startswith("Complete"), s.text_of("#hq-recon")
        assert "Graded" in s.text_of("#hq-recon"), s.text_of("#hq-recon")
        # The attempt came through the hub, from the seat's own signed upload.
        seat_device = hq.sql("SELECT id FROM devices WHERE name = 'North seat 1'")[0][0]
        s.wait(f"#hq-received-{seat_device}", timeout=20, pred=lambda t: t.strip() == "1")
        s.js("document.querySelector('#hq-packages').scrollIntoView()")
        shot(s, "browser-hq-reconciled.png")
        s.click("#nav-staff")
        s.wait(f"#stats-{exam_id}", timeout=20)
        shot(s, "browser-results.png")
        axe_check(s, "results (browser)")
        s.click(f"#stats-{exam_id}")
        s.wait("#analysis-title", timeout=20)
        shot(s, "browser-statistics.png")
        axe_check(s, "statistics (browser)")
        # The exam board's summary, printed from the browser: a PDF download.
        s.click("#print-summary")
        s.wait("#report-path", timeout=30, pred=lambda t: t.endswith(".pdf"))
        pdf = os.path.join(b.downloads, s.text_of("#report-path").strip())
        deadline = time.time() + 20
        while not os.path.exists(pdf) and time.time() < deadline:
            time.sleep(0.2)
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
        assert "Capitals quiz" in text, text[:400]
        s.click("#logout")

        # A candidate signing in here is sent to the desktop app.
        login(s, "ann", "ann-own-password-1")
        s.wait("#exams-desktop-only", timeout=20)
        shot(s, "browser-candidate-sent-to-desktop.png")

        errors = [e for e in console_errors(s) if "Content Security Policy" in e or "Refused" in e]
        assert not errors, f"the CSP refused part of the app: {errors}"
    except Exception:
        s.screenshot(os.path.join(OUT, "browser-failed.png"))
        print(console_errors(s))
        raise
    finally:
        b.quit()
        if seat is not None and seat.poll() is None:
            seat.kill()
        for srv in (hub, hq):
            if srv is not None:
                srv.stop()


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
    run_tests(globals(), sys.argv[1:])


if __name__ == "__main__":
    main()
