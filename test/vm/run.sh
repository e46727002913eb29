#!/usr/bin/env bash
# Run a command inside a qemu guest that has the real v4l2loopback driver loaded.
#
#   test/vm/run.sh [options] [--] <command> [args...]
#
#   --driver VER        v4l2loopback version: 0.12.7 (default) or 0.15.0   [LOOPCAM_VM_DRIVER]
#   --modparams "P..."  module parameters (default "devices=1 exclusive_caps=1") [LOOPCAM_VM_MODPARAMS]
#   --no-load           do not load v4l2loopback; the command loads it itself
#                       (loopcam-vm-module load|reload|unload, or insmod $LOOPCAM_VM_MODULE)
#   --timeout SEC       kill the guest after SEC seconds (default 1200)     [LOOPCAM_VM_TIMEOUT]
#   --mem MIB           guest memory (default 1024)                        [LOOPCAM_VM_MEM]
#   --cpus N            guest CPUs (default 1; 2 on hosts with 4+ CPUs)    [LOOPCAM_VM_CPUS]
#
# The guest sees the host's / read-only (with a throw-away tmpfs overlay, so it runs
# the host's own node, ffmpeg, v4l2-ctl, gst-launch-1.0) and the current directory
# read-write at the same path. The command runs as root in that directory with no
# stdin; its stdout and stderr stream to ours. We exit with its status, 124 when the
# guest timed out, 125 when the harness itself failed. See test/vm/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${LOOPCAM_VM_CACHE:-/var/cache/loopcam-vm}

DRIVER=${LOOPCAM_VM_DRIVER:-0.12.7}
MODPARAMS=${LOOPCAM_VM_MODPARAMS-devices=1 exclusive_caps=1}
LOAD=1
TIMEOUT=${LOOPCAM_VM_TIMEOUT:-1200}
MEM=${LOOPCAM_VM_MEM:-1024}
# One vCPU unless the host has 4+ CPUs: qemu's own threads (9p server, I/O) need the
# rest, and on a 2-CPU host a second vCPU made runs slower, not faster.
CPUS=${LOOPCAM_VM_CPUS:-$(($(nproc) >= 4 ? 2 : 1))}
# TCG on purpose: /dev/kvm on these machines belongs to a paravirtualised hypervisor
# that hangs or aborts stock kernels. LOOPCAM_VM_ACCEL=kvm is an explicit opt-in.
ACCEL=${LOOPCAM_VM_ACCEL:-tcg,thread=multi}

log() { [[ ${LOOPCAM_VM_QUIET:-} == 1 ]] || printf '[vm] %s\n' "$*" >&2; }
die() { printf '[vm] error: %s\n' "$*" >&2; exit 125; }
usage() { sed -n '2,21s/^# \{0,1\}//p' "$0" >&2; exit "${1:-125}"; }
now_us() { local t=$EPOCHREALTIME; echo "${t/[.,]/}"; }
since() { local d=$(( $(now_us) - $1 )); printf '%d.%02d s' $((d / 1000000)) $(((d % 1000000) / 10000)); }
# Single-quote a word for a POSIX shell (the guest's busybox sh and the host's /bin/sh).
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

while (($#)); do
  case $1 in
    --driver) DRIVER=${2:?--driver needs a version}; shift 2 ;;
    --driver=*) DRIVER=${1#*=}; shift ;;
    --modparams) (($# >= 2)) || usage; MODPARAMS=$2; shift 2 ;;
    --modparams=*) MODPARAMS=${1#*=}; shift ;;
    --no-load) LOAD=0; shift ;;
    --timeout) TIMEOUT=${2:?}; shift 2 ;;
    --timeout=*) TIMEOUT=${1#*=}; shift ;;
    --mem) MEM=${2:?}; shift 2 ;;
    --mem=*) MEM=${1#*=}; shift ;;
    --cpus) CPUS=${2:?}; shift 2 ;;
    --cpus=*) CPUS=${1#*=}; shift ;;
    -h | --help) usage 0 ;;
    --) shift; break ;;
    -*) printf '[vm] error: unknown option %s\n' "$1" >&2; usage ;;
    *) break ;;
  esac
done
(($#)) || { printf '[vm] error: no command given\n' >&2; usage; }
[[ $TIMEOUT =~ ^[0-9]+$ && $MEM =~ ^[0-9]+$ && $CPUS =~ ^[0-9]+$ ]] || die "--timeout, --mem and --cpus take numbers"

t_start=$(now_us)
bash "$HERE/setup.sh" || die "setup failed"
# shellcheck source=/dev/null
. "$CACHE/vm.env"
[[ " $VM_DRIVERS " == *" $DRIVER "* ]] || die "unknown driver '$DRIVER' (have: $VM_DRIVERS)"

cwd_phys=$(pwd -P)
[[ $cwd_phys != / ]] || die "refusing to share / read-write: run from a project directory"

job=$(mktemp -d "${TMPDIR:-/tmp}/loopcam-vm.XXXXXX")
mkdir "$job/share"
qemu_pid='' pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  local st=$?
  [[ -n $qemu_pid ]] && kill "$qemu_pid" 2>/dev/null
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # Kept for a look at console.log: on request, or after a harness failure/timeout
  # (unless LOOPCAM_VM_KEEP=0).
  if [[ ${LOOPCAM_VM_KEEP:-} == 1 || (${LOOPCAM_VM_KEEP:-} != 0 && ($st == 124 || $st == 125)) ]]; then
    [[ $st == 0 ]] || printf '[vm] kept %s (console.log: the guest kernel console)\n' "$job" >&2
  else
    rm -rf "$job"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the job: parameters for the guest's init, and the script its /bin/sh runs

{
  printf 'VM_CWD=%s\n' "$(sq "$cwd_phys")"
  printf 'VM_KREL=%s\n' "$(sq "$VM_KREL")"
  # Physical paths: the guest resolves them under its own mount of the host root.
  printf 'VM_KMODDIR=%s\n' "$(sq "$(realpath "$VM_KMODDIR")")"
  printf 'VM_DRIVERS_DIR=%s\n' "$(sq "$(realpath "$VM_DRIVERS_DIR")")"
  printf 'VM_DRIVERS=%s\n' "$(sq "$VM_DRIVERS")"
  printf 'VM_DRIVER=%s\n' "$(sq "$DRIVER")"
  printf 'VM_MODPARAMS=%s\n' "$(sq "$MODPARAMS")"
  printf 'VM_LOAD=%s\n' "$LOAD"
} >"$job/share/params"

# Passed through: PATH, HOME, CI, locale and time zone, LOOPCAM_*, and the names
# listed in LOOPCAM_VM_PASSENV. Everything else starts clean in the guest.
guest_path=$PATH
for d in /usr/local/sbin /usr/sbin /sbin; do
  [[ :$guest_path: == *:$d:* ]] || guest_path=$guest_path:$d
done
guest_path=$guest_path:/run/loopcam-vm/bin
{
  echo '# written by test/vm/run.sh'
  for name in $(compgen -e); do
    case $name in
      PATH | LOOPCAM_VM | LOOPCAM_VM_DRIVER | LOOPCAM_VM_MODULE | LOOPCAM_VM_MODULE_DIR | \
        LOOPCAM_VM_MODPARAMS | LOOPCAM_VM_LOADED | LOOPCAM_VM_KERNEL_RELEASE) continue ;;
      HOME | CI | LANG | LC_* | TZ | LOOPCAM_*) ;;
      *) [[ " ${LOOPCAM_VM_PASSENV:-} " == *" $name "* ]] || continue ;;
    esac
    printf 'export %s=%s\n' "$name" "$(sq "${!name}")"
  done
  printf 'export PATH=%s\n' "$(sq "$guest_path")"
  # What a test needs to know about its VM (see README).
  printf 'export LOOPCAM_VM=1\n'
  printf 'export LOOPCAM_VM_DRIVER=%s\n' "$(sq "$DRIVER")"
  printf 'export LOOPCAM_VM_MODULE=/run/loopcam-vm/v4l2loopback.ko\n'
  printf 'export LOOPCAM_VM_MODULE_DIR=/run/loopcam-vm\n'
  printf 'export LOOPCAM_VM_MODPARAMS=%s\n' "$(sq "$MODPARAMS")"
  printf 'export LOOPCAM_VM_LOADED=%s\n' "$LOAD"
  printf 'export LOOPCAM_VM_KERNEL_RELEASE=%s\n' "$(sq "$VM_KREL")"
  # The logical path first (it resolves through the host's symlinks to the mount).
  printf 'cd %s 2>/dev/null || cd %s || exit 125\n' "$(sq "$PWD")" "$(sq "$cwd_phys")"
  printf 'exec'
  for a in "$@"; do printf ' %s' "$(sq "$a")"; done
  printf '\n'
} >"$job/share/job.sh"

# --- output channels: two virtio-serial ports, each a FIFO that a cat copies to our
# stdout or stderr while the guest runs. We hold a write end open (fds 7 and 8) so the
# cats never block opening them, and close it after qemu is gone so they see EOF.

mkfifo "$job/stdout" "$job/stderr"
exec 7<>"$job/stdout" 8<>"$job/stderr"
cat <"$job/stdout" 7>&- 8>&- &
pids+=($!)
cat <"$job/stderr" >&2 7>&- 8>&- &
pids+=($!)
if [[ ${LOOPCAM_VM_VERBOSE:-} == 1 ]]; then
  : >"$job/console.log"
  tail -n +1 -f "$job/console.log" >&2 7>&- 8>&- &
  pids+=($!)
fi

# qemu option values escape a comma by doubling it.
qpath() { printf '%s' "${1//,/,,}"; }
# shellcheck disable=SC2054 # the commas belong to qemu's option syntax
qemu=(
  qemu-system-x86_64 -nodefaults -no-user-config -no-reboot
  -machine "${LOOPCAM_VM_MACHINE:-q35}" -accel "$ACCEL" -cpu max -smp "$CPUS" -m "$MEM"
  -display none -monitor none
  -kernel "$VM_VMLINUX" -initrd "$VM_INITRAMFS"
  # panic=-1: a kernel panic reboots at once, and -no-reboot turns that into an exit.
  # cryptomgr.notests skips the crypto self-tests (~0.5 s of a TCG boot); audit and
  # AppArmor have nothing to do in a throw-away guest.
  -append "console=ttyS0 quiet mitigations=off panic=-1 cryptomgr.notests audit=0 apparmor=0 rcupdate.rcu_expedited=1 no_timer_check ${LOOPCAM_VM_APPEND:-}"
  -serial "file:$job/console.log"
  # multidevs=remap: the host root spans several file systems; keep inode numbers unique.
  -fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap"
  -device virtio-9p-pci,fsdev=root,mount_tag=loopcam_root
  -fsdev "local,id=cwd,path=$(qpath "$cwd_phys"),security_model=none,multidevs=remap"
  -device virtio-9p-pci,fsdev=cwd,mount_tag=loopcam_cwd
  -fsdev "local,id=job,path=$(qpath "$job/share"),security_model=none"
  -device virtio-9p-pci,fsdev=job,mount_tag=loopcam_job
  -device virtio-serial-pci,id=vser
  # "file" chardevs (write-only): a "pipe" chardev would also read the FIFO and race our
  # cat for the command's output.
  -chardev "file,id=out,path=$(qpath "$job/stdout")" -device virtserialport,bus=vser.0,chardev=out,name=loopcam.stdout
  -chardev "file,id=err,path=$(qpath "$job/stderr")" -device virtserialport,bus=vser.0,chardev=err,name=loopcam.stderr
)

log "guest: kernel $VM_KREL, v4l2loopback $DRIVER$( ((LOAD)) && echo " ($MODPARAMS)" || echo ", not loaded"), ${CPUS} CPUs, ${MEM} MiB"
t_boot=$(now_us)
# timeout(1) puts qemu in its own process group; our INT/TERM traps stop it via cleanup.
timeout -k 10 "$TIMEOUT" "${qemu[@]}" </dev/null >"$job/qemu.log" 2>&1 7>&- 8>&- &
qemu_pid=$!
qemu_st=0
wait "$qemu_pid" || qemu_st=$?
qemu_pid=
exec 7>&- 8>&-
wait "${pids[@]:0:2}" 2>/dev/null || true

if ((qemu_st == 124 || qemu_st == 137)); then
  printf '[vm] error: timeout: the guest was still running after %s s and was killed (--timeout / LOOPCAM_VM_TIMEOUT)\n' "$TIMEOUT" >&2
  tail -n 20 "$job/console.log" >&2 || true
  exit 124
fi
if [[ -s $job/share/status ]]; then
  st=$(<"$job/share/status")
else
  # Fall back on the sentinel line of the console log.
  st=$(sed -n 's/^LOOPCAM_VM_STATUS=\([0-9]*\).*/\1/p' "$job/console.log" 2>/dev/null | tail -n 1)
fi
if [[ ! $st =~ ^[0-9]+$ ]]; then
  printf '[vm] error: the guest stopped without reporting an exit status (qemu exit %s)\n' "$qemu_st" >&2
  cat "$job/qemu.log" >&2 || true
  tail -n 30 "$job/console.log" >&2 || true
  exit 125
fi
log "exit $st; guest $(since "$t_boot"), total $(since "$t_start")"
exit "$st"
