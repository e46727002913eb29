#!/usr/bin/env bash
# Acceptance test of the VM harness itself (not of loopcam): boots the guest a few
# times and checks exit-status propagation, both drivers, a byte-exact ffmpeg ->
# v4l2loopback -> v4l2-ctl round trip, node, and vivid.
#
#   bash test/vm/selftest.sh            from anywhere; prints one line per check
#
# The same file runs inside the guest with --in-guest <check>.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ------------------------------------------------------------------ guest side

# Frames of ffmpeg's testsrc pattern written to the loopback node must come back out
# of it unchanged: compare every captured frame with the frames ffmpeg renders to a
# file from the same source.
guest_loopback() {
  local dev size=320x240 fsz=$((320 * 240 * 2)) n i tmp=/tmp/selftest
  mkdir -p $tmp && cd $tmp
  dev=/dev/video0   # the only video node: run.sh loaded v4l2loopback devices=1
  echo "driver $LOOPCAM_VM_DRIVER, node $dev ($(cat /sys/class/video4linux/"${dev#/dev/}"/name))"
  echo "node $(node -e 'process.stdout.write(process.version)')"

  local src="testsrc=size=$size:rate=30"
  ffmpeg -hide_banner -loglevel error -f lavfi -i "$src" -frames:v 150 -pix_fmt yuyv422 -f rawvideo ref.raw
  # -re paces the writer at 30 fps so it is still writing when the reader is up.
  ffmpeg -hide_banner -loglevel error -re -f lavfi -i "$src" -frames:v 150 -pix_fmt yuyv422 -f v4l2 "$dev" &
  local writer=$!
  # With exclusive_caps=1 the node offers CAPTURE only once a writer has set the
  # format; the sysfs "format" attribute appears/changes at that moment.
  for ((i = 0; i < 300; i++)); do
    [[ $(cat "/sys/class/video4linux/${dev#/dev/}/format" 2>/dev/null) == YUYV:* ]] && break
    sleep 0.05
  done
  v4l2-ctl -d "$dev" --stream-mmap --stream-count=3 --stream-to=cap.raw
  wait "$writer"
  n=$(($(stat -c %s cap.raw) / fsz))
  ((n == 3 && $(stat -c %s cap.raw) == 3 * fsz)) || { echo "captured $(stat -c %s cap.raw) bytes, want 3 frames of $fsz"; return 1; }
  split -a 3 -b $fsz -d ref.raw frame-ref- && split -a 3 -b $fsz -d cap.raw frame-cap-
  md5sum frame-ref-* | cut -d' ' -f1 >ref.sums
  for f in frame-cap-*; do
    grep -qx "$(md5sum <"$f" | cut -d' ' -f1)" ref.sums || { echo "$f matches no written frame"; return 1; }
  done
  echo "3 frames read back byte-exact"
}

guest_vivid() {
  modprobe vivid node_types=0x1
  local d
  for d in /sys/class/video4linux/video*; do
    [[ $(cat "$d/name") == vivid* ]] || continue
    echo "vivid node /dev/${d##*/}: $(v4l2-ctl -d "/dev/${d##*/}" -D | grep -A1 'Device Caps' | tail -n 1 | tr -s ' \t' ' ' | sed 's/^ //')"
    return 0
  done
  echo "no vivid node"; return 1
}

guest_reload() {
  # --no-load: nothing loaded yet; load, check, reload with other params.
  [[ ! -e /sys/module/v4l2loopback ]] || { echo "v4l2loopback loaded despite --no-load"; return 1; }
  loopcam-vm-module load
  ls /dev/video0 >/dev/null
  loopcam-vm-module reload devices=2 'card_label="Sel Test"'
  # card_label is per device (comma-separated list): it names video0 only.
  [[ -e /dev/video1 && $(cat /sys/class/video4linux/video0/name) == "Sel Test" ]] ||
    { echo "reload with devices=2 card_label=\"Sel Test\" did not take"; ls /dev/video*; cat /sys/class/video4linux/*/name; return 1; }
  loopcam-vm-module unload
  insmod "$LOOPCAM_VM_MODULE" devices=1 && rmmod v4l2loopback
  echo "load/reload/unload and insmod \$LOOPCAM_VM_MODULE work"
}

if [[ ${1:-} == --in-guest ]]; then
  "guest_$2"
  exit
fi

# ------------------------------------------------------------------- host side

run=("$HERE/run.sh")
fails=0
check() { # <description> <expected status> <run.sh args...>
  local what=$1 want=$2 t=$EPOCHREALTIME st=0 out
  shift 2
  out=$(LOOPCAM_VM_QUIET=1 bash "${run[@]}" "$@" 2>&1) || st=$?
  local secs; secs=$(awk -v a="$t" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  if [[ $st == "$want" ]]; then
    printf 'ok    %-48s %5s s  %s\n' "$what" "$secs" "$(tail -n 1 <<<"$out")"
  else
    printf 'FAIL  %-48s %5s s  exit %s, want %s\n' "$what" "$secs" "$st" "$want"
    printf '      %s\n' "${out//$'\n'/$'\n      '}"
    fails=$((fails + 1))
  fi
}

cd "$HERE"
check "run.sh -- true" 0 -- true
check "run.sh -- false" 1 -- false
check "run.sh -- sh -c 'exit 42'" 42 -- sh -c 'exit 42'
for drv in 0.12.7 0.15.0; do
  check "$drv: node listed" 0 --driver "$drv" -- sh -c 'cat /sys/class/video4linux/*/name; ls -l /dev/video0'
  check "$drv: ffmpeg -> v4l2-ctl byte-exact, node" 0 --driver "$drv" -- bash "$HERE/selftest.sh" --in-guest loopback
  check "$drv: --no-load, loopcam-vm-module" 0 --driver "$drv" --no-load -- bash "$HERE/selftest.sh" --in-guest reload
done
check "modprobe vivid node_types=0x1" 0 --no-load -- bash "$HERE/selftest.sh" --in-guest vivid
LOOPCAM_VM_KEEP=0 check "timeout is reported" 124 --timeout 15 -- sleep 60
if ((fails)); then
  echo "$fails check(s) failed"
  exit 1
fi
echo "all checks passed"
