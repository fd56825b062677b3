#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# tests/kernels/run.sh: the kernel matrix. Runs the tests named in
# tests/kernels/suite.txt (python3 tests/run.py --list tests/kernels/suite.txt,
# from the checkout's root) natively on the running kernel ("host"), and in
# qemu guests booted on Debian's stock kernels: bullseye (5.10), bookworm
# (6.1), trixie (6.12) and sid (the newest).
#
# usage: tests/kernels/run.sh [OPTIONS] [KERNEL...]
#   KERNEL       host bullseye bookworm trixie sid (default: all five, in
#                that order)
#   --cmd 'CMD'  run the bash command line CMD in the checkout instead of the
#                suite (debugging: tests/kernels/run.sh --cmd 'uname -r' sid)
#   --no-build   do not run make first (it runs unless --cmd is given: the
#                guests see the checkout read-only, they cannot build)
#   -v           also show each kernel's output while it runs
# Needs root. Debian kernels need an x86_64 host; qemu, busybox-static, cpio,
# xz-utils and zstd are installed with apt-get when missing.
#
# Per kernel, the guest's output goes to build/kernels/<version>.log (its
# kernel log to <version>.dmesg) and one line is printed: the test runner's
# closing line prefixed with the kernel's version, e.g.
#   6.1.0-57-amd64: 20 passed, 0 failed
# or "<version>: no result (...)" with the end of the log. The last line is
# the sum, "N passed, N failed"; the exit status is 1 if any kernel failed
# or gave no result. A kernel's failed tests are shown under its line (each
# test's FAIL line and what follows it, up to 12 lines), and named again,
# one line each, just before the sum: the end of the output says what failed.
#
# How a guest runs: qemu TCG (-accel tcg,thread=single: with thread=multi
# 6.12 and 7.x guests oops when BPF programs attach; KVM is not usable on
# our machines), 2 CPUs, 2 GiB. Its initramfs holds busybox, the modules
# that 9p over virtio-pci needs and an /init that mounts the host's /
# read-only over 9p, mounts proc, sys, dev, tmpfs /tmp /run /dev/shm,
# debugfs, tracefs, bpffs and cgroup2 in it, chroots into it and runs the
# command (with CI passed through, ulimit -l unlimited) in the checkout,
# then writes the exit status to a second, read-write 9p share and powers
# off. The guest's /tmp is a fresh tmpfs (a checkout under /tmp stays
# visible: it is bind-mounted from the host's /).
#
# Environment:
#   IPCSCOPE_KERNEL_CACHE    where kernels are kept, per version
#                            (default /var/cache/ipcscope/kernels: outside
#                            the checkout, so every clone on a machine
#                            shares them)
#   IPCSCOPE_KERNEL_TIMEOUT  seconds per kernel (default 600: a kernel takes
#                            about 2 minutes; five hung guests must still end
#                            within CI's 90 minutes)
#   IPCSCOPE_KERNEL_REFRESH=1  ask the archive for each suite's current
#                            kernel now (otherwise at most once a day)
#   IPCSCOPE_KERNEL_LOGDIR   where the logs go (default build/kernels)
#
# Kernels come from the archive named by the first stanza of this machine's
# /etc/apt/sources.list.d/debian.sources (with its Suites: line changed),
# resolved with private apt state in the cache, fetched with apt-get
# download and unpacked with dpkg -x. Nothing is installed into /boot or
# /lib/modules. If the archive cannot be reached, the kernel cached for the
# suite is used, and the harness says so.
set -euo pipefail

ME=tests/kernels/run.sh
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
CACHE=${IPCSCOPE_KERNEL_CACHE:-/var/cache/ipcscope/kernels}
TIMEOUT=${IPCSCOPE_KERNEL_TIMEOUT:-600}
LOGDIR=${IPCSCOPE_KERNEL_LOGDIR:-$ROOT/build/kernels}
SUITE_LIST=tests/kernels/suite.txt
SUITE_CMD="python3 tests/run.py --list $SUITE_LIST"
ALL_KERNELS=(host bullseye bookworm trixie sid)
# modules the guest loads for its 9p mounts; what they depend on is added
# from each module's depends=, and those built into the kernel are skipped
WANT_MODULES="virtio_pci 9pnet_virtio 9p"
RESOLVE_EVERY=86400        # seconds between two questions to the archive

die() { echo "$ME: $*" >&2; exit 2; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- arguments -----------------------------------------------------------
CMD=""
HAVE_CMD=0
BUILD=1
VERBOSE=0
KERNELS=()
while [ $# -gt 0 ]; do
  case $1 in
    --cmd)      [ $# -ge 2 ] || die "--cmd needs a command"; CMD=$2; HAVE_CMD=1; shift 2 ;;
    --cmd=*)    CMD=${1#--cmd=}; HAVE_CMD=1; shift ;;
    --no-build) BUILD=0; shift ;;
    -v)         VERBOSE=1; shift ;;
    -h|--help)  sed -n '3,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*)         die "unknown option $1 (see --help)" ;;
    *)          case " ${ALL_KERNELS[*]} " in
                  *" $1 "*) KERNELS+=("$1") ;;
                  *) die "unknown kernel '$1' (one of: ${ALL_KERNELS[*]})" ;;
                esac
                shift ;;
  esac
done
[ ${#KERNELS[@]} -gt 0 ] || KERNELS=("${ALL_KERNELS[@]}")
[ "$HAVE_CMD" = 1 ] || CMD=$SUITE_CMD
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "IPCSCOPE_KERNEL_TIMEOUT must be a number of seconds"

NEED_VM=0
for k in "${KERNELS[@]}"; do [ "$k" = host ] || NEED_VM=1; done

# --- checks and host tools -------------------------------------------------
[ "$(id -u)" = 0 ] || die "must run as root (it loads BPF programs and boots kernels): sudo $0 ..."
if [ "$NEED_VM" = 1 ] && [ "$(uname -m)" != x86_64 ]; then
  die "Debian's kernels are booted only on x86_64 hosts (this one is $(uname -m)); run: $0 host"
fi
mkdir -p "$LOGDIR" "$CACHE"

ensure_tools() {
  local need=() log=$CACHE/tools.log
  command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
  [ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" = "install ok installed" ] ||
    need+=(busybox-static)
  command -v cpio >/dev/null || need+=(cpio)
  command -v xz >/dev/null || need+=(xz-utils)
  command -v zstd >/dev/null || need+=(zstd)
  [ ${#need[@]} -gt 0 ] || return 0
  echo "$ME: installing ${need[*]} (apt-get; output in $log)"
  { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q update &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q -y \
      --no-install-recommends install "${need[@]}"; } >"$log" 2>&1 || true
  command -v qemu-system-x86_64 >/dev/null ||
    die "qemu-system-x86_64 is missing and could not be installed (apt-get install qemu-system-x86 failed; see $log)"
  if [ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" != "install ok installed" ] ||
     ! command -v cpio >/dev/null || ! command -v xz >/dev/null || ! command -v zstd >/dev/null; then
    die "could not install ${need[*]} (see $log)"
  fi
}
[ "$NEED_VM" = 0 ] || ensure_tools
if [ "$HAVE_CMD" = 0 ] && [ ! -f "$ROOT/$SUITE_LIST" ]; then
  die "$SUITE_LIST is missing: it names the tests to run on every kernel"
fi

# The guests see the checkout read-only, so it is built here, first. The
# test dependencies (nginx, curl, graphviz) are installed on the host,
# whose / the guests use, by the Makefile's stamp for them.
if [ "$BUILD" = 1 ] && [ "$HAVE_CMD" = 0 ]; then
  echo "$ME: make (output in build/kernels/build.log)"
  targets=(all)
  if make -C "$ROOT" -n build/.test-deps-ok >/dev/null 2>&1; then targets+=(build/.test-deps-ok); fi
  make -C "$ROOT" "${targets[@]}" >"$LOGDIR/build.log" 2>&1 ||
    die "make failed: see build/kernels/build.log"
fi

# --- a suite's kernel: resolve, fetch, unpack (in a subshell: see below) -----

# private apt state for SUITE in $1 (a directory): sources from the first
# stanza of the machine's debian.sources, with its Suites: line changed
apt_setup() {  # $1: suite, $2: dir; sets APTO
  local suite=$1 A=$2 src=/etc/apt/sources.list.d/debian.sources
  [ -f "$src" ] || die "no $src to find the Debian archive in"
  mkdir -p "$A/sources" "$A/prefs" "$A/lists/partial" "$A/cache/archives/partial"
  awk -v s="$suite" 'BEGIN { RS = "" } NR == 1 {
      n = split($0, L, "\n")
      for (i = 1; i <= n; i++) {
        if (L[i] ~ /^Suites:/) L[i] = "Suites: " s
        else if (L[i] ~ /^Types:/) L[i] = "Types: deb"
        else if (L[i] ~ /^Enabled:/) continue
        print L[i]
      }
      exit }' "$src" > "$A/sources/debian.sources"
  grep -q '^URIs:' "$A/sources/debian.sources" || die "no URIs: line in the first stanza of $src"
  APTO=(-o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$A/sources"
        -o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts="$A/prefs"
        -o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache"
        -o Dir::State::status=/dev/null -o APT::Sandbox::User=root
        -o Acquire::Languages=none)
}

# Prints the suite's kernel version to $2 and what it did to stdout.
get_kernel() {  # $1: suite, $2: file for the version
  local suite=$1 out=$2 A=$CACHE/.apt/$1 kver="" when=0 t t0 pkg
  exec 8>"$CACHE/.lock"
  flock -w 3600 8 || die "$suite: the kernel cache is locked (another run fetching?)"
  if [ -s "$A/resolved" ]; then read -r kver when < "$A/resolved"; fi
  t=$(date +%s)
  if [ -n "$kver" ] && [ -f "$CACHE/$kver/vmlinuz" ] && [ "${IPCSCOPE_KERNEL_REFRESH:-0}" != 1 ] &&
     [ $((t - when)) -lt $RESOLVE_EVERY ]; then
    echo "$suite: kernel $kver (cached; the archive was asked $(( (t - when) / 60 )) min ago)"
    echo "$kver" > "$out"; return 0
  fi
  apt_setup "$suite" "$A"
  echo "$suite: asking the archive for the suite's current kernel"
  t0=$(now)
  # apt-get update exits 0 when it could not fetch and keeps the old lists
  if ! apt-get "${APTO[@]}" -q update >"$A/update.log" 2>&1 ||
     grep -qE '^(E: |W: Failed to fetch|W: Some index files failed)' "$A/update.log"; then
    if [ -n "$kver" ] && [ -f "$CACHE/$kver/vmlinuz" ]; then
      echo "$suite: WARNING: the archive is unreachable (see $A/update.log); using the cached" \
           "kernel $kver, found current on $(date -d "@$when" '+%F %R')"
      echo "$kver" > "$out"; return 0
    fi
    die "$suite: apt-get update failed and no kernel is cached (see $A/update.log)"
  fi
  pkg=$(apt-cache "${APTO[@]}" depends linux-image-amd64 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
  [ -n "$pkg" ] || die "$suite: linux-image-amd64 depends on no linux-image-<version>"
  kver=${pkg#linux-image-}
  echo "$suite: the suite's kernel is $kver (apt-get update: $(secs "$t0" "$(now)") s)"
  if [ -f "$CACHE/$kver/vmlinuz" ]; then
    echo "$suite: kernel $kver (cached)"
  else
    fetch_kernel "$suite" "$kver" "$pkg"
  fi
  echo "$kver $t" > "$A/resolved"
  echo "$kver" > "$out"
}

# Fills $CACHE/$2/: vmlinuz, config, modules.builtin, modules/*.ko (plain),
# modules.load (load order), packages (name and version of each .deb), fetch
fetch_kernel() {  # $1: suite, $2: version, $3: package; uses APTO
  local suite=$1 kver=$2 pkg=$3 T deps t0 t1 t2 bytes
  rm -rf "$CACHE"/.fetch.*          # left by a run that was killed (we hold the lock)
  T=$(mktemp -d "$CACHE/.fetch.XXXXXX")
  # shellcheck disable=SC2064  # T is expanded now: it is local to this function
  trap "rm -rf '$T'" EXIT
  mkdir -p "$T/dl" "$T/x" "$T/out/modules"
  # since 7.x the image package is empty and depends on linux-binary-<version>
  # and linux-modules-<version>: fetch every dependency of the same version
  deps=$(apt-cache "${APTO[@]}" depends "$pkg" 2>/dev/null | awk -v v="-$kver" \
         '$1 ~ /Depends:$/ && substr($2, length($2) - length(v) + 1) == v { print $2 }' | sort -u)
  echo "$suite: fetching $(echo "$pkg" "$deps" | xargs)"
  t0=$(now)
  # shellcheck disable=SC2086  # deps: package names, one per word
  (cd "$T/dl" && apt-get "${APTO[@]}" -q download "$pkg" $deps) >"$T/download.log" 2>&1 ||
    die "$suite: apt-get download $pkg failed (log: $(cp "$T/download.log" "$CACHE/.apt/$suite/" && echo "$CACHE/.apt/$suite/download.log"))"
  t1=$(now)
  bytes=$(cat "$T"/dl/*.deb | wc -c)
  for d in "$T"/dl/*.deb; do
    # shellcheck disable=SC2016  # dpkg-deb's format, not the shell's
    dpkg-deb -W --showformat='${Package} ${Version}\n' "$d" >> "$T/out/packages"
    dpkg -x "$d" "$T/x"
  done
  t2=$(now)

  local vmlinuz config mdir
  vmlinuz=$(find "$T/x" -type f \( -path '*/boot/vmlinuz-*' -o -path '*/lib/modules/*/vmlinuz' \) | head -1)
  config=$(find "$T/x" -type f \( -path '*/boot/config-*' -o -path '*/lib/modules/*/config' \) | head -1)
  mdir=$(find "$T/x" -type f -path '*/lib/modules/*/modules.builtin' | head -1)
  [ -n "$vmlinuz" ] || die "$suite: no vmlinuz in $(cd "$T/dl" && echo ./*.deb)"
  [ -n "$mdir" ] || die "$suite: no lib/modules/*/modules.builtin in $(cd "$T/dl" && echo ./*.deb)"
  mdir=${mdir%/modules.builtin}
  cp "$vmlinuz" "$T/out/vmlinuz"
  if [ -n "$config" ]; then cp "$config" "$T/out/config"; fi
  cp "$mdir/modules.builtin" "$T/out/modules.builtin"

  # name (dashes as underscores) <TAB> path, for every module of the package
  find "$mdir" -name '*.ko*' | awk '{ n = $0; sub(/.*\//, "", n); sub(/\.ko.*/, "", n)
                                      gsub(/-/, "_", n); print n "\t" $0 }' > "$T/mods"
  local builtin order=() seen=" "
  builtin=" $(sed 's|.*/||; s|\.ko.*||; s|-|_|g' "$mdir/modules.builtin" | tr '\n' ' ') "
  # depth first over depends=: each module after the ones it needs
  visit() {
    local m=$1 path ko dep
    case "$seen" in *" $m "*) return ;; esac
    seen+="$m "
    path=$(awk -F'\t' -v m="$m" '$1 == m { print $2; exit }' "$T/mods")
    if [ -z "$path" ]; then
      case "$builtin" in *" $m "*) return ;; esac
      die "$suite: module $m is neither in the packages nor built into $kver"
    fi
    ko=$T/out/modules/$m.ko
    case "$path" in
      *.ko.xz)  xz -dc "$path" > "$ko" ;;
      *.ko.zst) zstd -dqc "$path" > "$ko" ;;
      *.ko.gz)  gzip -dc "$path" > "$ko" ;;
      *)        cp "$path" "$ko" ;;
    esac
    for dep in $(tr '\0' '\n' < "$ko" | sed -n 's/^depends=//p' | head -1 | tr ',' ' '); do
      visit "${dep//-/_}"
    done
    order+=("$m")
  }
  for m in $WANT_MODULES; do visit "$m"; done
  printf '%s\n' "${order[@]}" > "$T/out/modules.load"
  printf 'downloaded %s bytes in %s s, unpacked in %s s\n' "$bytes" "$(secs "$t0" "$t1")" \
    "$(secs "$t1" "$t2")" > "$T/out/fetch"
  rm -rf "${CACHE:?}/$kver"
  mv "$T/out" "$CACHE/$kver"
  echo "$suite: cached kernel $kver in $CACHE/$kver:" \
       "$(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }') downloaded in" \
       "$(secs "$t0" "$t1") s, unpacked in $(secs "$t1" "$t2") s; modules: ${order[*]}"
}

# --- the guest -----------------------------------------------------------

# the initramfs's /init (busybox sh). The read-write share (tag "results",
# the host's job directory) holds cmd.sh and the checkout's path (cwd); the
# guest writes rc, times and dmesg into it.
write_init() {
  cat <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "ipcscope-init: $*" > /dev/console; }
fail() { say "FAILED: $*"; poweroff -f; }
say "kernel $(uname -r)"
loaded=""
while read -r m; do
  insmod "/lib/modules/$m.ko" || fail "insmod $m failed"
  loaded="$loaded $m"
done < /lib/modules/modules.load
say "modules loaded:${loaded:- none (all built in)}"
opts=trans=virtio,version=9p2000.L,msize=512000
R=/mnt/root
O=/mnt/orig
mkdir -p $R $O
mount -t 9p -o $opts,cache=loose,ro hostroot $R || fail "cannot mount the host's / over 9p"
# the host's / once more, as it is before tmpfs covers /tmp and /run
mount -o bind $R $O
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm $R/dev/mqueue
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
mount -t mqueue mqueue $R/dev/mqueue || say "no mqueue"
mount -t tmpfs -o mode=1777 tmpfs $R/tmp
mount -t tmpfs -o mode=755 tmpfs $R/run
mount -t debugfs debugfs $R/sys/kernel/debug || say "no debugfs"
mount -t tracefs tracefs $R/sys/kernel/tracing || say "no tracefs"
mount -t bpf bpf $R/sys/fs/bpf || say "no bpffs"
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup || say "no cgroup2"
J=$R/run/ipcscope-job
mkdir -p $J
mount -t 9p -o $opts,cache=none results $J || fail "cannot mount the results share"
# a checkout under /tmp or /run is covered now: bring it back (read-only)
co=$(cat $J/cwd)
if [ ! -d "$R$co" ]; then
  mkdir -p "$R$co" && mount -o bind "$O$co" "$R$co" || fail "checkout $co not visible"
fi
ip link set lo up
hostname ipcscope-guest
stty -F /dev/console -onlcr 2>/dev/null
up=$(cut -d' ' -f1 /proc/uptime)
say "up after ${up} s; running the command"
chroot $R /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root USER=root LOGNAME=root TERM=dumb LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 \
  /bin/bash /run/ipcscope-job/cmd.sh </dev/null >/dev/console 2>&1
rc=$?
end=$(cut -d' ' -f1 /proc/uptime)
dmesg > $J/dmesg
echo "$up $end" > $J/times
echo $rc > $J/rc
sync
umount $J
poweroff -f
EOF
}

# one kernel's outcome: prints its lines, adds to the totals
TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0 TOTAL_CMD=0 ANY_FAILED=0
FAILED_TESTS=()            # "<version>: FAIL name: first line", for the end

# the log's failed tests: each FAIL line and the lines after it up to the
# next test's line, at most 12 each and 20 tests; what the guest printed is
# shown without control characters and cut at 300 characters a line
failures() {  # $1: log, $2: 1 for one line a test (a traceback: its last line)
  tr -d '\r' < "$1" | awk -v first="$2" '
    function flush() { if (head != "") print head (last != "" ? " " last : ""); head = "" }
    { gsub(/[\001-\010\013-\037\177]/, "?"); $0 = substr($0, 1, 300) }
    /^(PASS|SKIP) / || /^[0-9]+ passed, [0-9]+ failed/ || /^# exit status / { on = 0; next }
    /^FAIL / {
      if (++tests > 20) exit
      on = 1; n = 0
      if (first == 1) { flush(); head = $0; last = ""; tail = ($0 ~ /:$/) }
      else print
      next }
    on && first == 1 && tail && $0 != "" { last = $0 }
    on && first != 1 && ++n < 12 { print }
    END { if (first == 1) flush() }'
}

report() {  # $1: version, $2: log, $3: exit status, $4: reason if no result
  local kver=$1 log=$2 rc=$3 why=$4 line p f s
  line=$(tr -d '\r' < "$log" | grep -aE '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' | tail -1) || true
  if [ -z "$line" ]; then
    [ -n "$why" ] || why="the command exited $rc without a closing line"
    echo "$kver: no result ($why) see ${log#"$ROOT"/}"
    echo "--- last 30 lines of ${log#"$ROOT"/}:"
    tail -n 30 "$log" | tr -d '\r' | sed 's/^/    /'
    echo "---"
    TOTAL_FAILED=$((TOTAL_FAILED + 1)); ANY_FAILED=1
    return
  fi
  echo "$kver: $line"
  read -r p f s <<<"$(echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$/\1 \2 \4/')"
  TOTAL_PASSED=$((TOTAL_PASSED + p)); TOTAL_FAILED=$((TOTAL_FAILED + f))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + ${s:-0}))
  if [ "$f" -gt 0 ]; then
    ANY_FAILED=1
    failures "$log" 0 | sed 's/^/    /'
    while IFS= read -r l; do FAILED_TESTS+=("$kver: $l"); done < <(failures "$log" 1)
  fi
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
    echo "$kver: the command exited $rc although no test failed: counted as a failure"
    TOTAL_FAILED=$((TOTAL_FAILED + 1)); ANY_FAILED=1
  fi
}

log_header() {  # $1: log, then lines
  local log=$1; shift
  { echo "# ipcscope kernel matrix, $(date '+%F %T')"; printf '# %s\n' "$@"
    echo "# command: $CMD"; echo "# checkout: $ROOT"; echo; } > "$log"
}

run_host() {
  local kver log t0 t1 rc
  kver=$(uname -r)
  log=$LOGDIR/$kver.log
  echo "== host: kernel $kver (no VM)"
  log_header "$log" "kernel: $kver (the host's, natively)"
  t0=$(now)
  set +e
  if [ "$VERBOSE" = 1 ]; then
    (cd "$ROOT" && timeout -k 10 "$TIMEOUT" bash -c "ulimit -l unlimited; $CMD") </dev/null 2>&1 | tee -a "$log"
    rc=${PIPESTATUS[0]}
  else
    (cd "$ROOT" && timeout -k 10 "$TIMEOUT" bash -c "ulimit -l unlimited; $CMD") </dev/null >>"$log" 2>&1
    rc=$?
  fi
  set -e
  t1=$(now)
  echo "# exit status $rc after $(secs "$t0" "$t1") s" >> "$log"
  local why=""
  [ "$rc" != 124 ] || why="timed out after $TIMEOUT s"
  report "$kver" "$log" "$rc" "$why"
  echo "$kver: wall time $(secs "$t0" "$t1") s; log ${log#"$ROOT"/}"
  TOTAL_CMD=$(awk -v a="$TOTAL_CMD" -v b="$(secs "$t0" "$t1")" 'BEGIN { print a + b }')
}

JOB=""                     # the guest's job directory, removed on exit
trap 'if [ -n "$JOB" ]; then rm -rf "$JOB"; fi' EXIT

run_guest() {  # $1: suite
  local suite=$1 kver KD log job t0 t1 rc qrc up end cmdt
  echo "== $suite"
  job=$(mktemp -d "${TMPDIR:-/tmp}/ipcscope-kernel.XXXXXX")
  JOB=$job
  # resolving and fetching run in a subshell, so that their errors (die)
  # end only this kernel's attempt
  set +e
  (get_kernel "$suite" "$job/kver") 2>"$job/error"
  rc=$?
  set -e
  if [ "$rc" != 0 ] || [ ! -s "$job/kver" ]; then
    echo "$suite: no result (could not get the suite's kernel: $(tail -n 1 "$job/error" | sed "s|^$ME: ||"))"
    TOTAL_FAILED=$((TOTAL_FAILED + 1)); ANY_FAILED=1
    rm -rf "$job"; return
  fi
  kver=$(cat "$job/kver")
  KD=$CACHE/$kver
  log=$LOGDIR/$kver.log
  rm -f "$LOGDIR/$kver.dmesg"

  # initramfs: busybox, the modules and their load order, /init
  mkdir -p "$job/initramfs"/{bin,dev,proc,sys,mnt,lib/modules}
  cp /bin/busybox "$job/initramfs/bin/busybox"
  cp "$KD/modules.load" "$job/initramfs/lib/modules/"
  if [ -s "$KD/modules.load" ]; then cp "$KD"/modules/*.ko "$job/initramfs/lib/modules/"; fi
  write_init > "$job/initramfs/init"
  chmod 755 "$job/initramfs/init"
  (cd "$job/initramfs" && find . | cpio -o -H newc --quiet | gzip -1) > "$job/initramfs.gz"
  rm -rf "$job/initramfs"

  # what the guest runs: from the checkout, with CI as here
  echo "$ROOT" > "$job/cwd"
  {
    echo "ulimit -l unlimited"
    if [ -n "${CI+set}" ]; then echo "export CI=$(printf %q "$CI")"; fi
    echo "cd $(printf %q "$ROOT") || exit 125"
    printf '%s\n' "$CMD"
  } > "$job/cmd.sh"

  log_header "$log" "suite: $suite" "kernel: $kver" \
    "packages: $(paste -sd, "$KD/packages" | sed 's/,/, /g')" \
    "modules (load order): $(paste -sd' ' "$KD/modules.load")" \
    "fetch: $(cat "$KD/fetch" 2>/dev/null || echo unknown)" \
    "qemu: tcg (thread=single), -cpu max -smp 2 -m 2G; timeout $TIMEOUT s"
  # shellcheck disable=SC2054  # the commas are qemu's
  local qemu=(qemu-system-x86_64 -accel tcg,thread=single -cpu max -smp 2 -m 2G
    -nodefaults -display none -monitor none -serial stdio -no-reboot
    -kernel "$KD/vmlinuz" -initrd "$job/initramfs.gz"
    -append "console=ttyS0 quiet loglevel=3 panic=-1"
    -virtfs "local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap"
    -virtfs "local,path=$job,mount_tag=results,security_model=passthrough")
  echo "$suite: booting $kver (log ${log#"$ROOT"/})"
  t0=$(now)
  set +e
  if [ "$VERBOSE" = 1 ]; then
    timeout -k 10 "$TIMEOUT" "${qemu[@]}" </dev/null 2>&1 | tee -a "$log"
    qrc=${PIPESTATUS[0]}
  else
    timeout -k 10 "$TIMEOUT" "${qemu[@]}" </dev/null >>"$log" 2>&1
    qrc=$?
  fi
  set -e
  t1=$(now)

  local why=""
  if [ -s "$job/rc" ]; then
    rc=$(cat "$job/rc")
  else
    rc=125
    if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then why="timed out after $TIMEOUT s"
    elif grep -aq 'ipcscope-init: FAILED' "$log"; then
      why="the guest's init failed: $(grep -a 'ipcscope-init: FAILED' "$log" | tail -1 | sed 's/.*FAILED: //' | tr -d '\r')"
    elif grep -q 'Kernel panic' "$log"; then why="kernel panic"
    elif grep -q 'ipcscope-init: up after' "$log"; then why="the guest died while the command ran (qemu exit $qrc)"
    else why="boot failed (qemu exit $qrc)"; fi
  fi
  local wall times="" dmesg=""
  wall=$(secs "$t0" "$t1")
  cmdt=0
  if [ -s "$job/times" ]; then
    read -r up end < "$job/times"
    cmdt=$(secs "$up" "$end")
    times=" (command $cmdt s, boot and power-off $(secs "$cmdt" "$wall") s)"
  fi
  if [ -f "$job/dmesg" ]; then
    cp "$job/dmesg" "$LOGDIR/$kver.dmesg"
    dmesg="; kernel log: build/kernels/$kver.dmesg"
  fi
  echo "# exit status $rc (qemu $qrc), wall $wall s$times$dmesg" >> "$log"
  report "$kver" "$log" "$rc" "$why"
  echo "$kver: wall time $wall s$times"
  TOTAL_CMD=$(awk -v a="$TOTAL_CMD" -v b="$cmdt" 'BEGIN { print a + b }')
  rm -rf "$job"
}

# --- the matrix -----------------------------------------------------------
T0=$(now)
for k in "${KERNELS[@]}"; do
  if [ "$k" = host ]; then run_host; else run_guest "$k"; fi
done
T1=$(now)
echo "== ${#KERNELS[@]} kernel(s) in $(secs "$T0" "$T1") s, of which commands" \
     "$TOTAL_CMD s$([ "$TOTAL_SKIPPED" = 0 ] || echo "; $TOTAL_SKIPPED test(s) skipped")"
if [ ${#FAILED_TESTS[@]} -gt 0 ]; then
  echo "== failed (the logs in ${LOGDIR#"$ROOT"/} have the rest):"
  printf '%s\n' "${FAILED_TESTS[@]}"
fi
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$ANY_FAILED" = 0 ]
