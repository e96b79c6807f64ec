"""A small W3C WebDriver client (stdlib only) for driving the real Examhall window
through tauri-driver."""
import base64
import http.client
import json
import time
import urllib.error
import urllib.request


class WebDriverError(Exception):
    pass


class Session:
    def __init__(self, url, application=None, args=None, timeout=30, capabilities=None):
        """A session on the Examhall window (tauri-driver, `application` the binary),
        or with `capabilities` as given (a browser, through its own driver)."""
        self.url = url.rstrip("/")
        if capabilities is None:
            opts = {"application": application}
            if args:
                opts["args"] = args
            capabilities = {"browserName": "wry", "tauri:options": opts}
        caps = {"capabilities": {"alwaysMatch": capabilities}}
        deadline = time.time() + timeout
        while True:
            try:
                value = self._raw("POST", "/session", caps)
                break
            except (urllib.error.URLError, ConnectionError, WebDriverError) as e:
                if time.time() > deadline:
                    raise WebDriverError(f"no WebDriver session: {e}")
                time.sleep(0.5)
        self.id = value["sessionId"]

    def _raw(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        # tauri-driver proxies to WebKitWebDriver over pooled keep-alive connections and
        # now and then reuses one WebKit has closed: the request is dropped unsent and the
        # proxy answers 500 "SendRequest" or closes on us. Those are safe to resend.
        for attempt in range(5):
            req = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    return json.loads(r.read() or b"{}").get("value")
            except urllib.error.HTTPError as e:
                body_text = e.read()[:400]
                if e.code == 500 and b"SendRequest" in body_text and attempt < 4:
                    time.sleep(0.2)
                    continue
                raise WebDriverError(f"{method} {path}: {e.code} {body_text!r}")
            except (ConnectionResetError, http.client.RemoteDisconnected):
                if attempt == 4:
                    raise
                time.sleep(0.2)

    def cmd(self, method, path, body=None):
        return self._raw(method, f"/session/{self.id}{path}", body)

    def quit(self):
        try:
            self._raw("DELETE", f"/session/{self.id}")
        except Exception:
            pass

    # --- elements ---
    def find(self, css):
        v = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        return next(iter(v.values()))

    def find_all(self, css):
        v = self.cmd("POST", "/elements", {"using": "css selector", "value": css})
        return [next(iter(x.values())) for x in v]

    def wait(self, css, timeout=20, pred=None):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                el = self.find(css)
                if pred is None or pred(self.text(el)):
                    return el
                last = self.text(el)
            except WebDriverError as e:
                last = str(e)[:200]
            time.sleep(0.1)
        raise WebDriverError(f"timed out waiting for {css} (last: {last})")

    def click(self, css):
        self.cmd("POST", f"/element/{self.wait(css)}/click", {})

    def type(self, css, text, clear=False):
        el = self.wait(css)
        if clear:
            self.cmd("POST", f"/element/{el}/clear", {})
        self.cmd("POST", f"/element/{el}/value", {"text": text})

    def retype(self, css, text):
        """Replaces a field's text as a person would: Ctrl+A, Backspace, then type."""
        el = self.wait(css)
        self.cmd("POST", f"/element/{el}/value", {"text": "\ue009a\ue009\ue003" + text})

    def text(self, el):
        return self.cmd("GET", f"/element/{el}/text")

    def text_of(self, css):
        return self.text(self.wait(css))

    def prop(self, css, name):
        return self.cmd("GET", f"/element/{self.wait(css)}/property/{name}")

    def attr(self, css, name):
        return self.cmd("GET", f"/element/{self.wait(css)}/attribute/{name}")

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        """Runs `script` with a `done` callback as its last argument; returns what it passes."""
        return self.cmd("POST", "/execute/async", {"script": script, "args": list(args)})

    def keys(self, *presses):
        """Real key presses to whatever has focus (WebDriver actions). Each press is a
        key ("\ue004" is Tab) or a tuple of keys held together, e.g. (ALT, "n")."""
        actions = []
        for p in presses:
            chord = p if isinstance(p, tuple) else (p,)
            actions += [{"type": "keyDown", "value": k} for k in chord]
            actions += [{"type": "keyUp", "value": k} for k in reversed(chord)]
        self.cmd("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})
        self.cmd("DELETE", "/actions")

    def active_id(self):
        return self.js("return document.activeElement ? document.activeElement.id : '';")

    def screenshot(self, path):
        png = self.cmd("GET", "/screenshot")
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))
