#!/usr/bin/env bash
# Prepare everything test/vm/run.sh needs to boot the real v4l2loopback driver in a
# qemu guest: host tools, a Debian 12 (6.1) kernel with its module tree and headers,
# the v4l2loopback modules built against it, and a busybox initramfs.
#
# Idempotent: every step leaves a finished artefact in the cache and is skipped when
# that artefact exists, so a re-run with a warm cache is a quick check.
# Nothing is written into the repository; everything lives in
# ${LOOPCAM_VM_CACHE:-/var/cache/loopcam-vm}. See test/vm/README.md.
set -Eeuo pipefail
trap 'printf "[vm] error: %s failed at line %s\n" "${BASH_SOURCE[0]}" "$LINENO" >&2' ERR

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${LOOPCAM_VM_CACHE:-/var/cache/loopcam-vm}
# depmod/modprobe live in sbin, which a normal user's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin

# The guest kernel comes from Debian 12 whatever the host runs: 6.1 is what the
# 0.12.7 driver (and most users' distributions) pair with, and both drivers build on it.
KERNEL_SUITE=bookworm
KERNEL_META=linux-image-amd64

# Drivers we build: "<upstream version> <Debian suite> <binary package>".
# Suites are named explicitly so the result does not depend on the host's release.
DRIVERS=(
  "0.12.7 bookworm v4l2loopback-dkms"    # Debian 12 / Ubuntu 22.04+24.04 users have this one
  "0.15.0 trixie v4l2loopback-source"    # current driver: control device, no one-writer trap
)

# Host packages. The guest runs the host's own binaries (node, ffmpeg, v4l2-ctl, gst)
# through the shared root, so the media tools are installed on the host.
HOST_PACKAGES=(qemu-system-x86 busybox-static v4l-utils ffmpeg gstreamer1.0-tools
  gstreamer1.0-plugins-good kmod cpio bzip2 xz-utils make gcc)

# Modules the initramfs loads itself, before it can reach the host's files:
# virtio transport, 9p (host file shares), overlay (writable view of the read-only
# host root), virtio_console (command stdout/stderr channels), and videodev + mc,
# which every v4l2loopback build needs.
INITRAMFS_MODULES=(virtio_pci virtio_console 9pnet_virtio 9p overlay videodev)

# ---------------------------------------------------------------------------- helpers

log() { [[ ${LOOPCAM_VM_QUIET:-} == 1 ]] || printf '[vm] %s\n' "$*" >&2; }
die() { printf '[vm] error: %s\n' "$*" >&2; exit 1; }
now_us() { local t=$EPOCHREALTIME; echo "${t/[.,]/}"; }
since() { local d=$(( $(now_us) - $1 )); printf '%d.%02d s' $((d / 1000000)) $(((d % 1000000) / 10000)); }

# Run a noisy command with its output in a log file; show the log's tail if it fails.
logged() {
  local name=$1; shift
  local file="$CACHE/logs/$name.log"
  mkdir -p "$CACHE/logs"
  if [[ ${LOOPCAM_VM_VERBOSE:-} == 1 ]]; then
    "$@" 2>&1 | tee "$file" >&2 && return 0
  else
    "$@" >"$file" 2>&1 && return 0
  fi
  printf '[vm] error: %s failed; last lines of %s:\n' "$name" "$file" >&2
  tail -n 30 "$file" >&2
  exit 1
}

is_root() { [[ $(id -u) == 0 ]]; }

# ------------------------------------------------------------------ 1. host packages

step_packages() {
  local t0 missing=() p status
  local -A ok=()
  t0=$(now_us)
  # One dpkg-query for all (~10 ms; one per package would be ten times that).
  # Unknown packages are simply absent from its output.
  while read -r p status; do
    [[ $status == ii ]] && ok[$p]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${HOST_PACKAGES[@]}" 2>/dev/null || true)
  for p in "${HOST_PACKAGES[@]}"; do
    [[ -n ${ok[$p]:-} ]] || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  if ! is_root; then
    die "missing Debian packages: ${missing[*]}
    install them as root, e.g.:
      sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}
    then re-run $0"
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  logged apt-update apt-get update
  logged apt-install apt-get install -y --no-install-recommends "${missing[@]}"
  log "packages installed ($(since "$t0"))"
}

# --------------------------------------------------- private apt configuration per suite

# The URI of the machine's configured Debian archive (not the security archive),
# read from sources.list and sources.list.d (one-line and deb822 formats). Printed
# as "URI KEYRING" (KEYRING "-" when the entry names none).
debian_source() {
  local files=() f
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] && files+=("$f")
  done
  ((${#files[@]})) || return 0
  awk '
    # A Debian archive entry is recognised by its suite names, so third-party
    # repositories (nodesource, cloud SDKs, ...) are never picked.
    function debian_suite(s) {
      return s ~ /^(buster|bullseye|bookworm|trixie|forky|duke|sid|oldoldstable|oldstable|stable|testing|unstable)(-updates|-backports|-proposed-updates)?$/
    }
    function consider(types, uri, suites, key,    n, i, s) {
      if (found || types !~ /(^|[ \t])deb([ \t]|$)/ || uri == "" || uri ~ /security/) return
      n = split(suites, s, /[ \t]+/)
      for (i = 1; i <= n; i++) if (debian_suite(s[i])) { print uri, (key == "" ? "-" : key); found = 1; return }
    }
    function flush() {
      if (enabled != "no") { split(uris, u, /[ \t]+/); consider(types, u[1], suites, key) }
      types = uris = suites = key = enabled = ""
    }
    FNR == 1 { if (deb822) flush(); deb822 = (FILENAME ~ /\.sources$/) }
    deb822 {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^[ \t#]/) next
      k = tolower($1); v = $0; sub(/^[^:]*:[ \t]*/, "", v)
      if (k == "types:") types = v
      else if (k == "uris:") uris = v
      else if (k == "suites:") suites = v
      else if (k == "signed-by:") key = (v ~ /^\// ? v : "")
      else if (k == "enabled:") enabled = tolower(v)
      next
    }
    {
      sub(/#.*/, "")
      if ($1 != "deb") next
      opts = ""; i = 2
      if ($2 ~ /^\[/) { while (i <= NF) { opts = opts " " $i; if ($i ~ /\]$/) { i++; break } i++ } }
      k = ""; if (match(opts, /signed-by=[^] \t]+/)) k = substr(opts, RSTART + 10, RLENGTH - 10)
      consider("deb", $i, $(i + 1), k)
    }
    END { if (deb822) flush() }
  ' "${files[@]}"
}

declare -A APT_READY=()
# Sets APT to the apt-get/apt-cache options of a private configuration that sees
# only "<mirror> <suite> main" (amd64), with its own lists and cache in $CACHE/apt,
# and refreshes its lists once per invocation. The host's own sources, pins and
# package state are not touched.
apt_suite() {
  local suite=$1 dir="$CACHE/apt/$1" uri key src
  if [[ -n ${LOOPCAM_VM_DEBIAN_MIRROR:-} ]]; then
    uri=$LOOPCAM_VM_DEBIAN_MIRROR; key=-
  else
    src=$(debian_source)
    [[ -n $src ]] || die "no Debian archive found in /etc/apt/sources.list(.d); set LOOPCAM_VM_DEBIAN_MIRROR to a Debian archive URI"
    read -r uri key <<<"$src"
  fi
  if [[ $key == - ]]; then
    key=/usr/share/keyrings/debian-archive-keyring.gpg
    [[ -f $key ]] || key=
  fi
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
  printf 'deb [arch=amd64 lang=none target-=Contents-deb%s] %s %s main\n' \
    "${key:+ signed-by=$key}" "$uri" "$suite" >"$dir/sources.list"
  APT=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o Dir::Etc::sourceparts=-
       -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
       -o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts=-
       -o APT::Sandbox::User=root -q)
  if [[ -z ${APT_READY[$suite]:-} ]]; then
    local t0; t0=$(now_us)
    logged "apt-$suite" apt-get "${APT[@]}" update
    APT_READY[$suite]=1
    log "apt lists for $suite from $uri ($(since "$t0"))"
  fi
}

pkg_field() { # <package[=version]> <field>: a field of the candidate in the current $APT suite
  apt-cache "${APT[@]}" show --no-all-versions "$1" 2>/dev/null | sed -n "s/^$2: //p" | sed -n 1p
}

download() { # <dest dir> <package[=version]>...: apt-get download into dest
  local dest=$1; shift
  mkdir -p "$dest"
  (cd "$dest" && logged download apt-get "${APT[@]}" download "$@")
}

# ---------------------------------------------------------------------- 2. the kernel

KREL='' KVER='' KROOT=''
step_kernel() {
  local t0 dep headers_deps pkgs=() d tmp
  if [[ -f $CACHE/kernel/current ]]; then
    read -r KREL KVER <"$CACHE/kernel/current"
  fi
  if [[ -z $KREL || ! -d $CACHE/kernel/$KREL/root ]]; then
    t0=$(now_us)
    apt_suite "$KERNEL_SUITE"
    # linux-image-amd64 depends on exactly one linux-image-<release> (= <version>).
    dep=$(pkg_field "$KERNEL_META" Depends | tr ',' '\n' | grep -o 'linux-image-[^ ]*' | sed -n 1p)
    KVER=$(pkg_field "$KERNEL_META" Version)
    [[ -n $dep && -n $KVER ]] || die "cannot resolve $KERNEL_META in $KERNEL_SUITE"
    KREL=${dep#linux-image-}
    # The headers need their -common part and the kbuild tools of the same build.
    headers_deps=$(pkg_field "linux-headers-$KREL=$KVER" Depends | tr ',' '\n' |
                   grep -o 'linux-\(headers\|kbuild\)-[^ ]*' || true)
    pkgs=("linux-image-$KREL=$KVER" "linux-headers-$KREL=$KVER")
    for d in $headers_deps; do pkgs+=("$d=$KVER"); done
    log "kernel $KREL ($KVER): downloading ${#pkgs[@]} packages"
    rm -rf "$CACHE/debs/kernel-$KREL"
    download "$CACHE/debs/kernel-$KREL" "${pkgs[@]}"
    log "kernel packages downloaded ($(since "$t0"))"

    t0=$(now_us)
    tmp="$CACHE/kernel/$KREL/root.tmp"
    rm -rf "$tmp"; mkdir -p "$tmp"
    # Extracted, never installed: the host's boot setup stays untouched.
    for d in "$CACHE/debs/kernel-$KREL"/*.deb; do dpkg-deb -x "$d" "$tmp"; done
    # The flavour Makefile includes the -common tree by absolute /usr/src path; make it
    # relative so the headers work where they were extracted (and if the cache moves).
    # shellcheck disable=SC2016 # $(...) is make syntax, for make to expand
    sed -i 's#^include /usr/src/\(linux-headers-[^/]*\)/Makefile#include $(dir $(lastword $(MAKEFILE_LIST)))../\1/Makefile#' \
      "$tmp/usr/src/linux-headers-$KREL/Makefile"
    # modules.dep is made by the package's postinst, which we do not run; the guest's
    # modprobe (vivid, ...) needs it.
    logged depmod depmod -b "$tmp" "$KREL"
    rm -rf "$CACHE/kernel/$KREL/root"; mv "$tmp" "$CACHE/kernel/$KREL/root"
    rm -rf "$CACHE/debs/kernel-$KREL"   # 80 MB we no longer need
    echo "$KREL $KVER" >"$CACHE/kernel/current"
    log "kernel extracted to $CACHE/kernel/$KREL/root ($(since "$t0"))"
  fi
  KROOT=$CACHE/kernel/$KREL/root
}

# Debian ships an XZ-compressed bzImage. Booting it under TCG spends ~3 s per boot
# decompressing, so decompress once to the ELF vmlinux inside it: qemu boots that
# directly through its PVH entry point.
step_vmlinux() {
  local out="$CACHE/kernel/$KREL/vmlinux" vmlinuz="$KROOT/boot/vmlinuz-$KREL" off t0
  [[ -s $out ]] && return 0
  t0=$(now_us)
  off=$(LC_ALL=C grep -m 1 -obUaP '\xFD7zXZ\x00' "$vmlinuz" | sed -n 1p | cut -d: -f1)
  [[ -n $off ]] || die "no XZ payload found in $vmlinuz"
  # No pipe: xz stops reading after the stream, which would kill a writer with SIGPIPE.
  tail -c +$((off + 1)) "$vmlinuz" >"$out.xz"
  xz -dc --single-stream "$out.xz" >"$out.tmp"
  rm -f "$out.xz"
  [[ $(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' ') == 7f454c46 ]] || die "payload of $vmlinuz is not an ELF image"
  mv "$out.tmp" "$out"
  log "vmlinux decompressed ($(since "$t0"))"
}

# ------------------------------------------------------------ 3. v4l2loopback modules

step_driver() { # <upstream version> <suite> <package>
  local ver=$1 suite=$2 pkg=$3 dir="$CACHE/drivers/$1" t0 pver src kdir cc=()
  local ko="$dir/$KREL/v4l2loopback.ko"
  [[ -s $ko ]] && return 0

  if [[ ! -d $dir/src ]]; then
    t0=$(now_us)
    apt_suite "$suite"
    pver=$(pkg_field "$pkg" Version)
    [[ -n $pver ]] || die "$pkg not found in $suite"
    # Debian version "[epoch:]upstream-revision": the upstream part must be what we name.
    local up=${pver#*:}; up=${up%-*}
    [[ $up == "$ver" ]] || die "$suite now has $pkg $pver, not $ver; update DRIVERS in $0"
    rm -rf "$dir/src.tmp" "$CACHE/debs/$pkg"
    download "$CACHE/debs/$pkg" "$pkg=$pver"
    mkdir -p "$dir/src.tmp/deb"
    dpkg-deb -x "$CACHE/debs/$pkg"/*.deb "$dir/src.tmp/deb"
    # -dkms ships the tree in usr/src/v4l2loopback-<ver>/, -source a tarball.
    if [[ -f $dir/src.tmp/deb/usr/src/v4l2loopback.tar.bz2 ]]; then
      tar --no-same-owner -xjf "$dir/src.tmp/deb/usr/src/v4l2loopback.tar.bz2" -C "$dir/src.tmp/deb/usr/src"
    fi
    src=$(dirname "$(find "$dir/src.tmp/deb/usr/src" -name v4l2loopback.c | sed -n 1p)")
    [[ -f $src/v4l2loopback.c ]] || die "no v4l2loopback.c in $pkg"
    mv "$src" "$dir/src.tmp/tree"
    rm -rf "$dir/src.tmp/deb" "$CACHE/debs/$pkg"
    echo "$pkg $pver" >"$dir/src.tmp/package"
    rm -rf "$dir/src"; mv "$dir/src.tmp" "$dir/src"
    log "v4l2loopback $ver source: $pkg $pver from $suite ($(since "$t0"))"
  fi

  t0=$(now_us)
  kdir="$KROOT/usr/src/linux-headers-$KREL"
  # Debian's headers ask for the compiler the kernel was built with (gcc-12). A host
  # without it (e.g. Debian 13) falls back to its gcc; the version check is disabled
  # by Debian's headers and the module still loads.
  command -v gcc-12 >/dev/null || cc=(CC=gcc)
  rm -rf "$dir/build"; cp -r "$dir/src/tree" "$dir/build"
  logged "build-$ver" make -C "$kdir" M="$dir/build" "${cc[@]}" modules
  mkdir -p "$dir/$KREL"
  # Debug info is 80% of the file and of no use in the guest.
  strip --strip-debug -o "$ko.tmp" "$dir/build/v4l2loopback.ko"
  mv "$ko.tmp" "$ko"
  rm -rf "$dir/build"
  log "v4l2loopback $ver built for $KREL ($(since "$t0"))"
}

# --------------------------------------------------------------------- 4. initramfs

INITRAMFS=
step_initramfs() {
  local mods hash t0 stage m
  # Dependency order as modprobe would load them (duplicates removed, builtins skipped).
  mods=$(modprobe -d "$KROOT" -S "$KREL" --show-depends -a "${INITRAMFS_MODULES[@]}" |
         awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
  # Rebuild when the guest scripts, the module list or busybox change.
  hash=$( { cat "$HERE/guest/init" "$HERE/guest/loopcam-vm-module"; echo "$mods"
            stat -Lc '%s %Y' /bin/busybox; } | sha256sum | cut -c1-16)
  INITRAMFS="$CACHE/initramfs/$KREL-$hash.cpio"
  [[ -s $INITRAMFS ]] && return 0

  t0=$(now_us)
  stage="$CACHE/initramfs/stage"
  rm -rf "$stage"; mkdir -p "$stage"/{bin,dev,proc,sys,job,ro,rw,newroot,modules}
  # busybox-static: the initramfs has no libc.
  cp /bin/busybox "$stage/bin/busybox"
  install -m 0755 "$HERE/guest/init" "$stage/init"
  install -m 0755 "$HERE/guest/loopcam-vm-module" "$stage/loopcam-vm-module"
  : >"$stage/modules/order"
  while read -r m; do
    cp "$m" "$stage/modules/"
    basename "$m" >>"$stage/modules/order"
  done <<<"$mods"
  # Uncompressed: unpacking is cheaper for the TCG guest than decompressing.
  (cd "$stage" && find . -print0 | LC_ALL=C sort -z |
     cpio --null -o -H newc --owner=0:0 --quiet) >"$INITRAMFS.tmp"
  mv "$INITRAMFS.tmp" "$INITRAMFS"
  rm -rf "$stage"
  # Older images go after an hour (not at once: another checkout may be booting one).
  find "$CACHE/initramfs" -maxdepth 1 -name '*.cpio' ! -path "$INITRAMFS" -mmin +60 -delete
  log "initramfs built: $(wc -l <<<"$mods") modules, $(($(stat -c %s "$INITRAMFS") / 1024)) KiB ($(since "$t0"))"
}

# ------------------------------------------------------------------------------ main

main() {
  local t_all ver suite pkg d env_new vers=()
  t_all=$(now_us)
  step_packages

  if [[ ! -d $CACHE ]]; then
    mkdir -p "$CACHE" 2>/dev/null || die "cannot create $CACHE; run once as root or set LOOPCAM_VM_CACHE"
  fi
  # Concurrent runs (parallel CI jobs) share the cache: serialise the checks/builds.
  if [[ -w $CACHE ]]; then
    mkdir -p "$CACHE/logs"
    exec 9>>"$CACHE/.lock"
  else
    [[ -r $CACHE/.lock ]] || die "$CACHE is not writable; run once as root or set LOOPCAM_VM_CACHE"
    exec 9<"$CACHE/.lock"
  fi
  flock 9

  step_kernel
  step_vmlinux
  for d in "${DRIVERS[@]}"; do
    read -r ver suite pkg <<<"$d"
    step_driver "$ver" "$suite" "$pkg"
    vers+=("$ver")
  done
  step_initramfs

  # What run.sh needs, rewritten only when it changes (keeps a warm run read-only).
  env_new=$(printf 'VM_KREL=%q\nVM_VMLINUX=%q\nVM_INITRAMFS=%q\nVM_KMODDIR=%q\nVM_DRIVERS_DIR=%q\nVM_DRIVERS=%q\n' \
    "$KREL" "$CACHE/kernel/$KREL/vmlinux" "$INITRAMFS" "$KROOT/lib/modules/$KREL" \
    "$CACHE/drivers" "${vers[*]}")
  if [[ ! -f $CACHE/vm.env || $(<"$CACHE/vm.env") != "$env_new" ]]; then
    printf '%s\n' "$env_new" >"$CACHE/vm.env.tmp" && mv "$CACHE/vm.env.tmp" "$CACHE/vm.env"
  fi
  log "setup ready: kernel $KREL, drivers ${vers[*]} ($(since "$t_all"))"
}

main "$@"
