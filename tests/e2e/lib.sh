# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
# lib.sh: end-to-end tests start the real vigild in a fresh folder and drive
# it only through the real vigilctl.  Sourced by each tests/e2e/*.test.
#
# Conditions are polled (wait_for), never slept on.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
VIGILD=$top_builddir/vigild
VIGILCTL=$top_builddir/vigilctl
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-e2e.XXXXXX")
VIGILD_PID=

cleanup() {
	status=$?
	if [ -n "$VIGILD_PID" ] && kill -0 "$VIGILD_PID" 2>/dev/null; then
		kill -9 "$VIGILD_PID" 2>/dev/null || true
	fi
	if [ $status -ne 0 ]; then
		echo "--- vigild log ($T/vigild.log) ---"
		tail -n 40 "$T/vigild.log" 2>/dev/null || true
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Poll a shell condition for up to $1 seconds.
wait_for() {
	limit=$1
	shift
	i=0
	while ! eval "$@"; do
		i=$((i + 1))
		[ $i -le $((limit * 20)) ] || fail "timed out waiting for: $*"
		sleep 0.05
	done
}

# The configuration every test starts from; tests append what they need.
# Messages go to $T/messages by the file notifier (email as .eml, SMS as
# JSON lines in sms.jsonl) unless a test configures SMTP or HTTP.
# People are the shipped example staff.ini's: jo.bloggs (officer, managed
# by sam.patel), chris.evans (officer, managed by alex.okafor), sam.patel
# and alex.okafor (managers), it.admin.
write_conf() {
	mkdir -p "$T/workflows"
	cp "$top_srcdir"/workflows/*.ini "$T/workflows/"
	cp "$top_srcdir"/conf/staff.ini "$T/staff.ini"
	cp -r "$top_srcdir"/conf/templates "$T/templates"
	cat > "$T/vigil.conf" <<CONF
[daemon]
database = vigil.db
socket = vigil.sock
workflows = workflows
staff = staff.ini
templates = templates
client_timeout = 2

[file]
directory = messages

[links]
case_url = https://cms.example/case/{ref}
CONF
}

# For a test that counts the messages of an immediate-risk case opened
# relative to now: the shipped workflows' rota out-of-hours (or, with no
# rota file, the fallback group) would hear too when the test runs out of
# hours.  Here the rota's calendar never closes, so it never applies.
rota_never_applies() {
	sed -i 's/^staff = staff.ini$/&\nrota = rota.ini/' "$T/vigil.conf"
	cat >> "$T/vigil.conf" <<'CONF'

[calendar always-open]
days = mon-sun
hours = 00:00-24:00
holidays = none
CONF
	cat > "$T/rota.ini" <<'ROTA'
[rota out-of-hours]
calendar = always-open
on-call = it.admin from mon 00:00
ROTA
}

# VIGILD_WRAPPER runs vigild under a tool, e.g. "valgrind --error-exitcode=99
# --leak-check=full": a leak or a bad read then fails the SIGTERM check.
start_vigild() {
	rm -f "$T/vigil.sock"
	# Ready is the line logged once everything listens, not the socket
	# alone (the HTTP listener opens after it).
	_ready=$(grep -c ' ready: database ' "$T/vigild.log" 2>/dev/null || true)
	# Not holding the servers' FIFOs (fds 7-9): they must see EOF on stop.
	${VIGILD_WRAPPER:-} "$VIGILD" -f -c "$T/vigil.conf" 2>>"$T/vigild.log" \
	    7>&- 8>&- 9>&- &
	VIGILD_PID=$!
	wait_for 30 '[ "$(grep -c " ready: database " "$T/vigild.log")" -gt "${_ready:-0}" ] ||
	    ! kill -0 $VIGILD_PID 2>/dev/null'
	kill -0 "$VIGILD_PID" 2>/dev/null || fail "vigild did not start"
}

# SIGTERM, and vigild must exit 0.
stop_vigild() {
	kill -TERM "$VIGILD_PID"
	rc=0
	wait "$VIGILD_PID" || rc=$?
	VIGILD_PID=
	[ $rc -eq 0 ] || fail "vigild exited $rc on SIGTERM"
}

# kill -9, as a crash would: no clean shutdown.
crash_vigild() {
	kill -9 "$VIGILD_PID"
	wait "$VIGILD_PID" 2>/dev/null || true
	VIGILD_PID=
}

ctl() {
	"$VIGILCTL" -c "$T/vigil.conf" "$@"
}

# expect STATUS COMMAND...: run vigilctl, check its exit status; the
# output is left in $T/out and $T/err.
expect() {
	want=$1
	shift
	rc=0
	ctl "$@" >"$T/out" 2>"$T/err" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		cat "$T/out" "$T/err" >&2
		fail "vigilctl $* exited $rc, expected $want"
	fi
}

# The error message must contain the text.
expect_error() {
	grep -qF -- "$1" "$T/err" || fail "stderr lacks \"$1\": $(cat "$T/err")"
}

# jq EXPR on a case's show --json; prints the result.
show() {
	ctl --json show "$1" | jq -r "$2"
}

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: got \"$1\", expected \"$2\""
}

# An instant N seconds ago, as ISO 8601 UTC.
ago() {
	date -u -d "@$(( $(date +%s) - $1 ))" +%Y-%m-%dT%H:%M:%SZ
}

# Caught up: vigild's next pending instant, if any, is in the future.
caught_up() {
	next=$(ctl --json status | jq -r '.next_due // empty')
	[ -z "$next" ] || [ "$(date -d "$next" +%s)" -gt "$(date +%s)" ]
}

# server NAME FD SCRIPT ARG...: a real server from tests/servers, reading
# from a FIFO this shell holds open as file descriptor FD (7, 8 or 9): it
# exits when the test closes FD (server_stop) or ends, so it can never
# outlive the test.  Its port is left in $NAME_port.
server() {
	name=$1 fd=$2 script=$3
	shift 3
	rm -f "$T/$name.port" "$T/$name.in"
	mkfifo "$T/$name.in"
	/usr/bin/python3 "$top_srcdir/tests/servers/$script" \
	    --port-file "$T/$name.port" "$@" <"$T/$name.in" \
	    >>"$T/$name.log" 2>&1 &
	eval "server_pid_$fd=$!"
	eval "exec $fd>\"\$T/\$name.in\""
	wait_for 20 "[ -s \"\$T/$name.port\" ]"
	eval "${name}_port=\$(cat \"\$T/$name.port\")"
}

# Close FD and wait for its server to be gone, port and all.
server_stop() {
	eval "exec $1>&-"
	eval "wait \$server_pid_$1" || true
}

sql() {
	sqlite3 "$T/vigil.db" "$@"
}
