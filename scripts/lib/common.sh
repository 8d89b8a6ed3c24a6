# shellcheck shell=bash
# Small helpers shared by all modules: messages, steps, pid files, waiting.
# Sourced by ./marketplace, which sets ROOT.

TAG=marketplace   # prefix of progress lines, set per command

say() { echo "[$TAG] $*"; }
note() { echo "      $*"; }
warn() { echo "[$TAG] warning: $*" >&2; }
die() {
  echo "[$TAG] error: $*" >&2
  exit 1
}

# step N TOTAL NAME COMMAND...: run a command between two progress lines.
step() {
  local n=$1 total=$2 name=$3
  shift 3
  local t0=$SECONDS
  say "$n/$total $name ..."
  "$@"
  say "$n/$total $name ... done ($((SECONDS - t0)) s)"
}

# Print the last lines of a log file to stderr (used on failures).
show_log_tail() {
  local file=$1 lines=${2:-20}
  if [ -f "$file" ]; then
    echo "----- last $lines lines of $file -----" >&2
    tail -n "$lines" "$file" >&2
    echo "-----" >&2
  else
    echo "(no log file $file)" >&2
  fi
}

# pid_alive PID: true if the process exists and is not a zombie.
# (This sandbox reaps orphans slowly, so a zombie counts as gone.)
pid_alive() {
  local pid=$1 stat state
  [ -n "$pid" ] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  state=${stat##*) }
  state=${state%% *}
  [ "$state" != Z ] && [ "$state" != X ]
}

# read_pid FILE: print the pid stored in FILE, or nothing.
read_pid() {
  if [ -f "$1" ]; then
    cat "$1"
  fi
}

# stop_pid NAME PIDFILE [SIGNAL]: SIGNAL (default TERM), wait up to 15 s, then SIGKILL.
stop_pid() {
  local name=$1 file=$2 signal=${3:-TERM} pid i
  pid=$(read_pid "$file")
  if ! pid_alive "$pid"; then
    rm -f "$file"
    note "$name: not running"
    return 0
  fi
  kill -"$signal" "$pid" 2>/dev/null || true
  for ((i = 0; i < 75; i++)); do
    pid_alive "$pid" || break
    sleep 0.2
  done
  if pid_alive "$pid"; then
    warn "$name (pid $pid) did not stop within 15 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 25; i++)); do
      pid_alive "$pid" || break
      sleep 0.2
    done
  fi
  rm -f "$file"
  note "$name: stopped (pid $pid)"
}

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_closed() {
  ! port_open "$1"
}

# port_owner PORT: print "name(pid)" of the listener on PORT, if any.
port_owner() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:.*' | head -n 1 || true
}

# listener_pid PORT: print the pid of the process listening on PORT, if any.
listener_pid() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true
}

# wait_until SECONDS PID COMMAND...: retry COMMAND every 0.2 s until it succeeds.
# Fails early if PID (when given) dies, and after SECONDS.
wait_until() {
  local timeout=$1 pid=$2
  shift 2
  local end=$((SECONDS + timeout))
  while ((SECONDS < end)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    if [ -n "$pid" ] && ! pid_alive "$pid"; then
      return 1
    fi
    sleep 0.2
  done
  return 1
}
