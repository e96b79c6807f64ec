"""Asks an app's windows to close the way a window manager's close button does:
a WM_DELETE_WINDOW client message (ICCCM) to each top-level window whose
_NET_WM_PID is the app's. Xvfb has no window manager, so the test is the WM.
Uses libX11 through ctypes (no extra packages); windows are found with xwininfo/xprop."""
import ctypes
import ctypes.util
import os
import re
import subprocess


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


CLIENT_MESSAGE = 33
NO_EVENT_MASK = 0


def windows_of(pid):
    """Top-level X windows whose _NET_WM_PID is `pid`."""
    tree = subprocess.run(["xwininfo", "-root", "-children"], capture_output=True, text=True,
                          check=True).stdout
    found = []
    for wid in re.findall(r"^\s+(0x[0-9a-f]+)", tree, re.M):
        prop = subprocess.run(["xprop", "-id", wid, "_NET_WM_PID"], capture_output=True, text=True).stdout
        m = re.search(r"= (\d+)", prop)
        if m and int(m.group(1)) == pid:
            found.append(int(wid, 16))
    return found


def request_close(pid):
    """Sends WM_DELETE_WINDOW to the app's windows; returns how many got it."""
    x11 = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                               ctypes.POINTER(_XEvent)]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x11.XOpenDisplay(os.environ["DISPLAY"].encode())
    assert dpy, "cannot open the X display"
    try:
        protocols = x11.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
        delete = x11.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
        wins = windows_of(pid)
        for w in wins:
            ev = _XEvent()
            ev.xclient.type = CLIENT_MESSAGE
            ev.xclient.window = w
            ev.xclient.message_type = protocols
            ev.xclient.format = 32
            ev.xclient.l[0] = delete
            ev.xclient.l[1] = 0  # CurrentTime
            x11.XSendEvent(dpy, w, 0, NO_EVENT_MASK, ctypes.byref(ev))
        x11.XFlush(dpy)
        return len(wins)
    finally:
        x11.XCloseDisplay(dpy)
