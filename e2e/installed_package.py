"""The installed .deb: its declared dependencies and files, and the installed
binary starting under Xvfb to the login screen (through tauri-driver).

  xvfb-run -a -s "-screen 0 1280x800x24" python3 e2e/installed_package.py PATH.deb

Run after `apt-get install ./PATH.deb`. Exits non-zero on any failed check."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("EXAMHALL_BIN", "/usr/bin/examhall-desktop")
from harness import APP, OUT, Desktop  # noqa: E402


def field(deb, name):
    return subprocess.run(["dpkg-deb", "-f", deb, name], check=True, capture_output=True, text=True).stdout.strip()


def main():
    deb = sys.argv[1]
    package = field(deb, "Package")
    depends = field(deb, "Depends")
    for lib in ("libwebkit2gtk-4.1-0", "libgtk-3-0"):
        assert lib in depends, f"the .deb does not declare {lib}: Depends: {depends}"
    status = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", package],
                            capture_output=True, text=True).stdout
    assert status == "install ok installed", f"{package} is not installed: {status!r}"
    files = subprocess.run(["dpkg", "-L", package], check=True, capture_output=True, text=True).stdout.split()
    assert APP in files, f"{APP} is not in the package: {files}"
    assert any(f.startswith("/usr/share/applications/") and f.endswith(".desktop") for f in files), \
        f"the package has no desktop entry: {files}"
    assert any("/icons/hicolor/" in f for f in files), "the package carries no icons"
    d = Desktop(4514)
    try:
        s = d.launch()
        s.wait("#login-username", timeout=30)
        assert "Examhall" in s.text_of(".brand")
        assert s.js("return document.getElementById('login-submit').getBoundingClientRect().height;") > 0, \
            "the sign-in button is laid out"
        time.sleep(1)  # the first paint after the page is built
        os.makedirs(OUT, exist_ok=True)
        s.screenshot(os.path.join(OUT, "installed-login.png"))
    finally:
        d.close()
    size = os.path.getsize(deb)
    print(f"installed {package} from {os.path.basename(deb)} ({size / 1e6:.1f} MB): "
          f"{APP} starts to the login screen; Depends: {depends}")


if __name__ == "__main__":
    main()
