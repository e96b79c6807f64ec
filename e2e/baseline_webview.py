"""The floor for start-up and memory: a bare WebKitGTK window (Python + GObject
introspection, the same WebKitGTK 4.1 the app uses) showing a static sign-in page
styled with the app's own stylesheet. Prints "the page is shown" to stderr once the
page has loaded. Used by measure_start.py --baseline."""
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(ROOT, "ui", "static", "style.css")) as f:
    CSS = f.read()
PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><style>{CSS}</style></head>
<body><div class="app"><header class="topbar"><span class="brand">Examhall</span></header>
<main><section class="card narrow"><h1>Sign in</h1><form>
<label for="u">Username</label><input id="u"><label for="p">Password</label><input id="p" type="password">
<button class="primary" type="submit">Sign in</button></form></section></main></div></body></html>"""


def main():
    win = Gtk.Window(title="baseline")
    win.set_default_size(1200, 780)
    view = WebKit2.WebView()
    win.add(view)

    def loaded(_view, event):
        if event == WebKit2.LoadEvent.FINISHED:
            print("the page is shown", file=sys.stderr, flush=True)

    view.connect("load-changed", loaded)
    view.load_html(PAGE, "file:///")
    win.connect("destroy", Gtk.main_quit)
    win.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
