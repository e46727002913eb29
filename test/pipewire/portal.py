#!/usr/bin/python3
"""A portal app, as Firefox and Chromium are: asks the Camera portal for access (AccessCamera), opens the
PipeWire connection it grants (OpenPipeWireRemote: a file descriptor that sees only cameras), then

  portal.py list                      prints the cameras that connection sees, one "node.name<TAB>description" a line
  portal.py read NAME CAPS COUNT      writes COUNT frames of camera NAME to stdout (pipewiresrc fd=…)

Run against the session bus in DBUS_SESSION_BUS_ADDRESS. Exit 3 when the portal refuses access.
Node has no D-Bus client that receives file descriptors; Debian's python3-gi does it in a few lines."""
import subprocess
import sys

import gi

gi.require_version("Gio", "2.0")
gi.require_version("Gst", "1.0")
from gi.repository import Gio, GLib, Gst  # noqa: E402

PORTAL = ("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop")


def camera_fd():
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    token = "loopcam_test"
    sender = bus.get_unique_name()[1:].replace(".", "_")
    request = f"/org/freedesktop/portal/desktop/request/{sender}/{token}"
    loop = GLib.MainLoop()
    answer = {}

    def on_response(_conn, _sender, _path, _iface, _signal, params):
        answer["code"] = params[0]
        loop.quit()

    # Subscribed before the call: the portal may answer at once.
    bus.signal_subscribe(PORTAL[0], "org.freedesktop.portal.Request", "Response", request, None,
                         Gio.DBusSignalFlags.NONE, on_response)
    options = GLib.Variant("(a{sv})", ({"handle_token": GLib.Variant("s", token)},))
    bus.call_sync(*PORTAL, "org.freedesktop.portal.Camera", "AccessCamera", options, None,
                  Gio.DBusCallFlags.NONE, 10000, None)
    GLib.timeout_add(10000, loop.quit)
    loop.run()
    if answer.get("code") != 0:
        print(f"the portal refused camera access (response {answer.get('code', 'none within 10 s')})", file=sys.stderr)
        sys.exit(3)
    result, fds = bus.call_with_unix_fd_list_sync(*PORTAL, "org.freedesktop.portal.Camera", "OpenPipeWireRemote",
                                                  GLib.Variant("(a{sv})", ({},)), GLib.VariantType("(h)"),
                                                  Gio.DBusCallFlags.NONE, 10000, None, None)
    return fds.get(result.unpack()[0])


def list_cameras(fd):
    Gst.init(None)
    provider = Gst.DeviceProviderFactory.get_by_name("pipewiredeviceprovider")
    provider.set_property("fd", fd)
    provider.start()
    # The provider fills its list from the registry's first round trip.
    GLib.MainContext.default().iteration(False)
    for device in provider.get_devices():
        props = device.get_properties()
        name = props.get_string("node.name") if props else None
        print(f"{name}\t{device.get_display_name()}")
    provider.stop()


def main():
    fd = camera_fd()
    if sys.argv[1:2] == ["list"]:
        list_cameras(fd)
    elif sys.argv[1:2] == ["read"] and len(sys.argv) == 5:
        name, caps, count = sys.argv[2:]
        pipeline = ["gst-launch-1.0", "-q", "pipewiresrc", f"fd={fd}", f"target-object={name}", f"num-buffers={count}",
                    "!", caps, "!", "fdsink", "fd=1"]
        sys.exit(subprocess.run(pipeline, pass_fds=(fd,), check=False).returncode)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


main()
