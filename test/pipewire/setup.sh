#!/usr/bin/env bash
# Installs what the PipeWire tests need (Debian packages), idempotently: the daemon and its session
# manager, the portal, GStreamer's PipeWire reader, gdbus, and Python's GObject bindings (the portal
# client, test/pipewire/portal.py), and Chromium (its WebRtcPipeWireCamera reads cameras through the portal:
# the browser check; about 80 MB to download). Run as root (CI does); otherwise it only says what is missing. The tests start a private stack of their own (test/pipewire/stack.ts).
set -euo pipefail

PACKAGES=(pipewire pipewire-bin wireplumber dbus dbus-daemon xdg-desktop-portal gstreamer1.0-pipewire
  gstreamer1.0-tools gstreamer1.0-plugins-base libglib2.0-bin python3-gi gir1.2-gstreamer-1.0 chromium)

missing=()
while read -r p status; do
  [[ $status == ii ]] || missing+=("$p")
done < <(for p in "${PACKAGES[@]}"; do printf '%s %s\n' "$p" "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | tr -d ' ' || true)"; done)

if ((${#missing[@]} == 0)); then
  echo "[pipewire] packages present: ${PACKAGES[*]}"
  exit 0
fi
if [[ $(id -u) != 0 ]]; then
  echo "[pipewire] missing ${missing[*]}: run as root to install them (the PipeWire tests skip until then)" >&2
  exit 0
fi
echo "[pipewire] installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "[pipewire] installed: $(dpkg-query -W -f='${Package} ${Version}\n' pipewire wireplumber xdg-desktop-portal chromium | tr '\n' ' ')"
