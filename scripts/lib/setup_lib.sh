# shellcheck shell=bash
# Helpers for scripts/setup.sh: step output, logging, failure reports, apt.
# Expects the caller to set SETUP_LOG (absolute path) and SETUP_LOG_REL (for messages).

SETUP_STEP="setup"
SETUP_HINT="read the log above, fix the cause and run 'make setup' again"
SETUP_APT_UPDATED=0
SETUP_CLEANUP_FNS=()

# now_us: wall clock in microseconds.
now_us() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		printf '%s\n' "${EPOCHREALTIME/[.,]/}"
	else
		printf '%s\n' "$(($(date +%s%N) / 1000))"
	fi
}

# since T0: seconds since T0 (from now_us) as "1.2s".
since() {
	local tenths=$((($(now_us) - $1) / 100000))
	printf '%d.%ds\n' "$((tenths / 10))" "$((tenths % 10))"
}

# say LABEL MESSAGE: one line of the setup summary on stdout (and in the log).
say() {
	printf 'setup: %-12s%s\n' "$1" "$2"
	printf '==> %s: %s\n' "$1" "$2" >>"$SETUP_LOG"
}

# step NAME HINT: names the current step and what to do if it fails.
step() {
	SETUP_STEP="$1"
	SETUP_HINT="$2"
	printf '\n==== step %s (%s)\n' "$1" "$(date -u +%H:%M:%SZ)" >>"$SETUP_LOG"
}

# logmsg TEXT: a line in the log only.
logmsg() {
	printf '%s\n' "$*" >>"$SETUP_LOG"
}

# fail CAUSE [HINT]: report the failure of the current step and exit 1.
fail() {
	local cause="$1" hint="${2:-$SETUP_HINT}"
	trap - ERR
	{
		printf 'setup: FAILED      step "%s": %s\n' "$SETUP_STEP" "$cause"
		if [ -s "$SETUP_LOG" ]; then
			printf 'setup: ---- last 20 lines of %s ----\n' "$SETUP_LOG_REL"
			tail -n 20 "$SETUP_LOG" | sed 's/^/  | /'
			printf 'setup: ----\n'
		fi
		printf 'setup: what to do: %s\n' "$hint"
		printf 'setup: full log: %s\n' "$SETUP_LOG_REL"
	} >&2
	exit 1
}

# on_err: ERR trap for commands that fail outside run().
on_err() {
	local rc="$1" line="$2" cmd="$3"
	# In a subshell ($(...) inherits the trap through set -E) just let the status propagate.
	[ "${BASHPID:-$$}" = "${SETUP_PID:-$$}" ] || return 0
	fail "unexpected error (exit $rc) at scripts/setup.sh line $line: $cmd"
}

# run CMD...: run a command with all its output in the log; fail the step if it fails.
run() {
	local rc=0
	{
		printf '+'
		printf ' %q' "$@"
		printf '\n'
	} >>"$SETUP_LOG"
	"$@" >>"$SETUP_LOG" 2>&1 </dev/null || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "command failed (exit $rc): $*"
	fi
}

# at_exit FN: run FN when the script exits (in reverse order of registration).
at_exit() {
	SETUP_CLEANUP_FNS+=("$1")
}

run_exit_handlers() {
	local i
	for ((i = ${#SETUP_CLEANUP_FNS[@]} - 1; i >= 0; i--)); do
		"${SETUP_CLEANUP_FNS[$i]}" || true
	done
}

is_root() {
	[ "$(id -u)" -eq 0 ]
}

is_debian() {
	[ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1
}

# apt_install PKG...: install Debian packages (root only), apt-get update once per run.
apt_install() {
	if ! is_root || ! is_debian; then
		fail "needs the Debian package(s) $* and cannot install them (not root on Debian)" \
			"install $* yourself (e.g. sudo apt-get install -y $*) and run 'make setup' again"
	fi
	local apt_opts=(-q -y -o Dpkg::Use-Pty=0)
	if [ "$SETUP_APT_UPDATED" -eq 0 ]; then
		run env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update
		SETUP_APT_UPDATED=1
	fi
	run env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install "$@"
}

# apt_debian_mirror: print the Debian mirror URI this machine's apt uses for bookworm.
# Looks at the first deb822 stanza in /etc/apt/sources.list.d/*.sources whose
# Suites include "bookworm" (not bookworm-security), else the first "deb" line in
# /etc/apt/sources.list (one for bookworm preferred) and then *.list files.
apt_debian_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		uri="$(awk '
			function flush() {
				if (!done && (" " types " ") ~ / deb / && (" " suites " ") ~ / bookworm / &&
					tolower(enabled) != "no" && uris != "") {
					split(uris, u, " "); print u[1]; done = 1
				}
				types = ""; uris = ""; suites = ""; enabled = ""; key = ""
			}
			function norm(s) { gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); return s }
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[ \t]/ {
				v = norm($0)
				if (key == "types") types = types " " v
				else if (key == "uris") uris = uris " " v
				else if (key == "suites") suites = suites " " v
				next
			}
			{
				i = index($0, ":"); if (i == 0) next
				key = tolower(norm(substr($0, 1, i - 1))); v = norm(substr($0, i + 1))
				if (key == "types") types = v
				else if (key == "uris") uris = v
				else if (key == "suites") suites = v
				else if (key == "enabled") enabled = v
			}
			END { flush() }
		' "$f")"
		if [ -n "$uri" ]; then
			printf '%s\n' "$uri"
			return 0
		fi
	done
	local lists=()
	[ -r /etc/apt/sources.list ] && lists+=(/etc/apt/sources.list)
	for f in /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] && lists+=("$f")
	done
	[ "${#lists[@]}" -gt 0 ] || return 1
	uri="$(awk '
		/^[ \t]*deb[ \t]/ {
			line = $0
			gsub(/\[[^]]*\]/, "", line)   # drop [ options ]
			n = split(line, w, /[ \t]+/)
			j = 0; for (i = 1; i <= n; i++) if (w[i] != "") f[++j] = w[i]
			if (j < 3) next
			if (first == "") first = f[2]
			if (f[3] == "bookworm") { print f[2]; found = 1; exit }
		}
		END { if (!found && first != "") print first }
	' "${lists[@]}")"
	[ -n "$uri" ] || return 1
	printf '%s\n' "$uri"
}
