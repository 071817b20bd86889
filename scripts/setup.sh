#!/usr/bin/env bash
# scripts/setup.sh — idempotent machine setup for Tandem (run by `make setup`,
# `make test` and `make verify` from the repo root).
#
# Needs only Go, npm and (as root on Debian) apt. It builds bin/tandem and runs
# `bin/tandem setup --dir .tandem`, which makes sure that a Docker engine
# answers, the Pact FFI library is in .tandem/lib/ and Tandem's own images (the
# reaper, toxiproxy) are built from bin/tandem; then, still holding tandem
# setup's engine lock (so that setups from two clones take turns), this script
# runs again and makes sure that:
#   2. pact-js and the pact CLI are in .tandem/npm/ (for the interoperability tests),
#   3. tandem.local/postgres:15 exists (debootstrap rootfs + fixtures/images/postgres),
#  3b. tandem.local/nats:2.15.2 exists (nats-server built from its Go module + fixtures/images/nats),
#   4. every fixtures/shop/<svc>/main.go is built into tandem.local/shop-<svc>:<tag>,
#      the tag from fixtures/shop/<svc>/VERSION or 1.0 (skip with SETUP_SKIP_IMAGES=1),
#   5. .tandem/env.mk and .tandem/env.sh hold the settings tests need.
#   6. chromium is installed (Debian's package; the report's browser tests use it).
# Everything downloaded or cached goes under .tandem/; verbose output goes to
# .tandem/setup.log. A second run skips what exists and takes seconds.
set -Eeuo pipefail
umask 022
export DEBIAN_FRONTEND=noninteractive

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

TANDEM_DIR="$ROOT/.tandem"
LIB_DIR="$TANDEM_DIR/lib"
CACHE_DIR="$TANDEM_DIR/cache"
BUILD_DIR="$TANDEM_DIR/build"
SETUP_LOG="$TANDEM_DIR/setup.log"
SETUP_LOG_REL=".tandem/setup.log"

PG_IMAGE="tandem.local/postgres:15"
PG_ROOTFS_IMAGE="tandem.local/debian-postgres-rootfs:15"
PG_ROOTFS_TAR="$CACHE_DIR/rootfs-postgres-15.tar"
PG_CONTEXT="fixtures/images/postgres"
NATS_MODULE="github.com/nats-io/nats-server/v2"
NATS_VERSION="v2.15.2" # name it exactly: the proxy's @latest may be older
NATS_IMAGE="tandem.local/nats:${NATS_VERSION#v}"
NATS_CONTEXT="fixtures/images/nats"
GOSERVICE_DOCKERFILE="fixtures/images/goservice/Dockerfile"
SHOP_DIR="fixtures/shop"
SHOP_TAG="1.0" # unless fixtures/shop/<svc>/VERSION names another
IMAGE_LABEL="dev.tandem.image=true"

mkdir -p "$TANDEM_DIR" "$LIB_DIR" "$CACHE_DIR" "$BUILD_DIR"

# shellcheck source=scripts/lib/setup_lib.sh
. "$ROOT/scripts/lib/setup_lib.sh"
# shellcheck source=scripts/lib/pact_tools.sh
. "$ROOT/scripts/lib/pact_tools.sh"

# One setup of this clone at a time (make test and make verify may both start
# one): a lock on the folder, for building bin/tandem. The engine's lock is
# tandem setup's, held while this script runs the second time.
if [ -z "${TANDEM_SETUP_LOCKED:-}" ]; then
	exec 9>"$TANDEM_DIR/setup-run.lock"
	if command -v flock >/dev/null 2>&1; then
		if ! flock -n 9; then
			echo "setup: waiting for another scripts/setup.sh to finish (lock .tandem/setup-run.lock) ..."
			if ! flock -w 600 9; then
				echo "setup: FAILED: another scripts/setup.sh still holds .tandem/setup-run.lock after 10 min;" \
					"see which process: fuser -v .tandem/setup-run.lock" >&2
				exit 1
			fi
		fi
	fi
	command -v go >/dev/null 2>&1 || {
		echo "setup: FAILED: go is not on the PATH; install Go (see go.mod for the version) and run 'make setup' again" >&2
		exit 1
	}
	t0="$(now_us)"
	# The same command as `make build`: an unchanged tree builds the same bytes,
	# and tandem setup rebuilds its images only when the executable changed.
	if ! CGO_ENABLED=0 go build -o bin/tandem ./cmd/tandem >"$TANDEM_DIR/build.log" 2>&1; then
		cat "$TANDEM_DIR/build.log" >&2
		echo "setup: FAILED: go build ./cmd/tandem (above); fix it and run 'make setup' again" >&2
		exit 1
	fi
	printf 'setup: %-11s built bin/tandem (%s)\n' tandem "$(since "$t0")"
	# 9>&-: the folder lock is for building bin/tandem; tandem setup may start
	# dockerd, which must not inherit (and so hold forever) the lock.
	exec bin/tandem setup --dir "$TANDEM_DIR" -- bash "$ROOT/scripts/setup.sh" "$@" 9>&-
fi

printf 'scripts/setup.sh, under the engine lock, started %s (uid %s, %s)\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(id -u)" "$ROOT" >>"$SETUP_LOG"
SETUP_PID="$$"
trap 'on_err "$?" "$LINENO" "$BASH_COMMAND"' ERR
trap 'run_exit_handlers' EXIT
T_START="$(now_us)"

# ---------------------------------------------------------------------------
# 3. PostgreSQL image
# ---------------------------------------------------------------------------
image_exists() {
	docker image inspect "$1" >/dev/null 2>&1
}

image_label() { # image label
	docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

# Hash of the build context plus the base image id: a changed Dockerfile or
# entrypoint (or a re-imported rootfs) rebuilds the image, anything else skips.
pg_context_hash() {
	local base_id
	base_id="$(docker image inspect --format '{{.Id}}' "$PG_ROOTFS_IMAGE" 2>/dev/null || echo none)"
	{
		echo "$base_id"
		find "$PG_CONTEXT" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
	} | sha256sum | cut -c1-16
}

rootfs_dir=""
cleanup_rootfs_dir() {
	[ -n "$rootfs_dir" ] && [ -d "$rootfs_dir" ] || return 0
	local pid mnt
	# debootstrap may leave processes (a started service) or mounts behind on failure.
	for pid in /proc/[0-9]*; do
		if [ "$(readlink "$pid/root" 2>/dev/null || true)" = "$rootfs_dir/rootfs" ]; then
			kill -9 "${pid#/proc/}" 2>/dev/null || true
		fi
	done
	awk -v d="$rootfs_dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
		while IFS= read -r mnt; do umount -l "$mnt" 2>/dev/null || true; done
	rm -rf --one-file-system "$rootfs_dir"
	rootfs_dir=""
}

build_pg_rootfs_tar() {
	local label="image"
	if ! command -v debootstrap >/dev/null 2>&1; then
		apt_install --no-install-recommends debootstrap
		hash -r
	fi
	is_root || fail "debootstrap needs root" "run 'make setup' as root once (it caches the rootfs in .tandem/cache/)"
	local mirror
	mirror="$(apt_debian_mirror)" || fail "found no Debian mirror for bookworm in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list" \
		"configure apt with a bookworm source (a URIs: line in /etc/apt/sources.list.d/debian.sources) and run 'make setup' again"
	case "$mirror" in
	http://* | https://* | file:/*) ;;
	*) fail "the apt mirror '$mirror' is not an http(s):// or file:/ URI that debootstrap can use" \
		"configure a plain http(s) bookworm source in /etc/apt/sources.list.d/debian.sources" ;;
	esac
	say "$label" "no cached rootfs: debootstrap bookworm + postgresql-15 from $mirror (about a minute)"

	rootfs_dir="$(mktemp -d "$CACHE_DIR/rootfs-build.XXXXXX")"
	at_exit cleanup_rootfs_dir
	local dir="$rootfs_dir/rootfs"
	run debootstrap --variant=minbase --include=postgresql-15 bookworm "$dir" "$mirror"
	cleanup_rootfs_procs_only "$dir"
	# Slim it down: package caches, apt lists, the cluster Debian's postinst creates.
	find "$dir/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -delete
	find "$dir/var/lib/apt/lists" -mindepth 1 -maxdepth 1 ! -name partial ! -name lock -exec rm -rf '{}' +
	rm -f "$dir/var/cache/apt/"*.bin
	rm -rf "$dir/var/lib/postgresql/15" "$dir/etc/postgresql/15" "$dir/var/log/postgresql/"*
	chmod 0755 "$dir"
	[ -x "$dir/usr/lib/postgresql/15/bin/postgres" ] || fail "the debootstrapped rootfs has no /usr/lib/postgresql/15/bin/postgres"
	run tar -C "$dir" --numeric-owner -cf "$PG_ROOTFS_TAR.partial" .
	mv -f "$PG_ROOTFS_TAR.partial" "$PG_ROOTFS_TAR"
	cleanup_rootfs_dir
}

cleanup_rootfs_procs_only() {
	local dir="$1" pid
	for pid in /proc/[0-9]*; do
		if [ "$(readlink "$pid/root" 2>/dev/null || true)" = "$dir" ]; then
			logmsg "killing process ${pid#/proc/} left running in the rootfs by debootstrap"
			kill -9 "${pid#/proc/}" 2>/dev/null || true
		fi
	done
}

step_postgres_image() {
	step image "read the log; to start over delete .tandem/cache/rootfs-postgres-15.tar and run 'make setup' again"
	local t0 hash
	t0="$(now_us)"
	if image_exists "$PG_IMAGE"; then
		hash="$(pg_context_hash)"
		if [ "$(image_label "$PG_IMAGE" dev.tandem.context-sha)" = "$hash" ]; then
			say image "$PG_IMAGE present (skipped)"
			return
		fi
		logmsg "$PG_IMAGE exists but was built from other sources (context hash differs): rebuilding"
	fi

	local did=()
	if ! image_exists "$PG_ROOTFS_IMAGE"; then
		if [ ! -s "$PG_ROOTFS_TAR" ]; then
			build_pg_rootfs_tar
			did+=("debootstrap")
		fi
		run docker import \
			--change "LABEL $IMAGE_LABEL" \
			--change 'CMD ["/bin/bash"]' \
			"$PG_ROOTFS_TAR" "$PG_ROOTFS_IMAGE"
		did+=("import")
	fi
	hash="$(pg_context_hash)"
	run docker build \
		--label "$IMAGE_LABEL" \
		--label "dev.tandem.context-sha=$hash" \
		-t "$PG_IMAGE" "$PG_CONTEXT"
	did+=("build")
	run docker image prune -f --filter "label=$IMAGE_LABEL"
	say image "$PG_IMAGE built ($(IFS=+ && echo "${did[*]}"), $(since "$t0"))"
}

# ---------------------------------------------------------------------------
# 3b. NATS image
# ---------------------------------------------------------------------------
# Hash of the recipe and the module version: a changed Dockerfile or version
# rebuilds the image, anything else skips.
nats_context_hash() {
	{
		echo "$NATS_MODULE@$NATS_VERSION"
		find "$NATS_CONTEXT" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
	} | sha256sum | cut -c1-16
}

step_nats_image() {
	step nats "fix the Go or Docker error shown above and run 'make setup' again (the Go module proxy must serve $NATS_MODULE@$NATS_VERSION)"
	local t0 hash
	t0="$(now_us)"
	hash="$(nats_context_hash)"
	if image_exists "$NATS_IMAGE"; then
		if [ "$(image_label "$NATS_IMAGE" dev.tandem.context-sha)" = "$hash" ]; then
			say nats "$NATS_IMAGE present (skipped)"
			return
		fi
		logmsg "$NATS_IMAGE exists but was built from other sources (context hash differs): rebuilding"
	fi
	command -v go >/dev/null 2>&1 || fail "go is not on the PATH" "install Go (see go.mod for the version) and run 'make setup' again"
	mkdir -p "$BUILD_DIR/nats"
	# go install name@version builds the module on its own, outside ours.
	run env CGO_ENABLED=0 GOBIN="$BUILD_DIR/nats" go install -trimpath -ldflags='-s -w' "$NATS_MODULE@$NATS_VERSION"
	run docker build \
		-f "$NATS_CONTEXT/Dockerfile" \
		--label "$IMAGE_LABEL" \
		--label "dev.tandem.context-sha=$hash" \
		-t "$NATS_IMAGE" "$BUILD_DIR/nats"
	run docker image prune -f --filter "label=$IMAGE_LABEL"
	say nats "$NATS_IMAGE built (go install + build, $(since "$t0"))"
}

# ---------------------------------------------------------------------------
# 4. Shop service images
# ---------------------------------------------------------------------------
step_shop_images() {
	step images "fix the Go build or Docker error shown above and run 'make setup' again (SETUP_SKIP_IMAGES=1 skips this step)"
	if [ "${SETUP_SKIP_IMAGES:-0}" = 1 ]; then
		say images "skipped (SETUP_SKIP_IMAGES=1)"
		return
	fi
	local svcs=() d svc
	for d in "$SHOP_DIR"/*/; do
		[ -f "${d}main.go" ] || continue
		svc="$(basename "$d")"
		if ! [[ "$svc" =~ ^[a-z0-9][a-z0-9_.-]*$ ]]; then
			fail "service directory name '$svc' is not a valid image name (use lower-case letters, digits, '-', '_', '.')" \
				"rename $SHOP_DIR/$svc"
		fi
		svcs+=("$svc")
	done
	if [ "${#svcs[@]}" -eq 0 ]; then
		say images "no $SHOP_DIR/*/main.go found: nothing to build"
		return
	fi
	command -v go >/dev/null 2>&1 || fail "go is not on the PATH" "install Go (see go.mod for the version) and run 'make setup' again"

	local t0 built=()
	t0="$(now_us)"
	local tag
	for svc in "${svcs[@]}"; do
		tag="$SHOP_TAG"
		if [ -f "$SHOP_DIR/$svc/VERSION" ]; then
			tag="$(tr -d '[:space:]' <"$SHOP_DIR/$svc/VERSION")"
			[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] ||
				fail "$SHOP_DIR/$svc/VERSION holds '$tag', which is not an image tag" "put a version like 1.1 in it"
		fi
		mkdir -p "$BUILD_DIR/$svc"
		run env CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' \
			-o "$BUILD_DIR/$svc/$svc" "./$SHOP_DIR/$svc"
		run docker build \
			-f "$GOSERVICE_DOCKERFILE" \
			--build-arg "BINARY=$svc" \
			--label "$IMAGE_LABEL" \
			--label "dev.tandem.service=$svc" \
			-t "tandem.local/shop-$svc:$tag" \
			"$BUILD_DIR/$svc"
		built+=("tandem.local/shop-$svc:$tag")
		# Candidate releases (fixtures/shop/<svc>/releases: one version per line).
		local rel
		if [ -f "$SHOP_DIR/$svc/releases" ]; then
			while read -r rel; do
				case "$rel" in "" | "#"*) continue ;; esac
				mkdir -p "$BUILD_DIR/$svc-$rel"
				run env CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.release=$rel" \
					-o "$BUILD_DIR/$svc-$rel/$svc" "./$SHOP_DIR/$svc"
				run docker build \
					-f "$GOSERVICE_DOCKERFILE" \
					--build-arg "BINARY=$svc" \
					--label "$IMAGE_LABEL" \
					--label "dev.tandem.service=$svc" \
					-t "tandem.local/shop-$svc:$rel" \
					"$BUILD_DIR/$svc-$rel"
				built+=("tandem.local/shop-$svc:$rel")
			done <"$SHOP_DIR/$svc/releases"
		fi
	done
	# Rebuilt binaries leave the previous images dangling: drop ours.
	run docker image prune -f --filter "label=$IMAGE_LABEL"
	say images "built ${built[*]} ($(since "$t0"))"
}

# ---------------------------------------------------------------------------
# 5. Environment for make and shells
# ---------------------------------------------------------------------------
write_if_changed() { # file content
	if [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; then
		return 1
	fi
	printf '%s\n' "$2" >"$1.partial"
	mv -f "$1.partial" "$1"
}

step_env() {
	step env "check that .tandem/ is writable and run 'make setup' again"
	local lib="$LIB_DIR" mk sh changed=()
	case "$lib" in
	*[[:space:]\'\"\$\\]*) fail "the repo path ($ROOT) contains white space, quotes, \$ or \\, which CGO_LDFLAGS and make cannot hold" "move the repo to a plain path" ;;
	esac
	mk="# Generated by scripts/setup.sh; included by the Makefile. Do not edit.
export TESTCONTAINERS_HOST_OVERRIDE := 127.0.0.1
export CGO_LDFLAGS := -L$lib -Wl,-rpath,$lib
export LD_LIBRARY_PATH := $lib"
	sh="# Generated by scripts/setup.sh. Use: . .tandem/env.sh
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
export CGO_LDFLAGS='-L$lib -Wl,-rpath,$lib'
export LD_LIBRARY_PATH='$lib'
export PACT_DO_NOT_TRACK=true"
	write_if_changed "$TANDEM_DIR/env.mk" "$mk" && changed+=(.tandem/env.mk)
	write_if_changed "$TANDEM_DIR/env.sh" "$sh" && changed+=(.tandem/env.sh)
	if [ "${#changed[@]}" -gt 0 ]; then
		say env "wrote ${changed[*]}"
	else
		say env ".tandem/env.mk .tandem/env.sh present (unchanged)"
	fi
}

# ---------------------------------------------------------------------------
# 6. Chromium, for the report's browser tests (harness/report)
# ---------------------------------------------------------------------------
step_chromium() {
	step chromium "install Debian's chromium package yourself (apt-get install -y chromium) or set CHROMIUM=/path/to/chromium, then run 'make setup' again"
	local bin="${CHROMIUM:-}"
	[ -n "$bin" ] || bin="$(command -v chromium || command -v chromium-browser || true)"
	if [ -n "$bin" ] && [ -x "$bin" ]; then
		say chromium "present $bin ($("$bin" --version 2>/dev/null | head -n 1 || echo "unknown version"))"
		return
	fi
	local t0
	t0="$(now_us)"
	apt_install --no-install-recommends chromium
	hash -r
	bin="$(command -v chromium || true)"
	[ -n "$bin" ] || fail "apt installed chromium but no chromium is on the PATH"
	say chromium "installed $bin ($("$bin" --version 2>/dev/null | head -n 1 || echo "unknown version"), $(since "$t0"))"
}

step_pact_tools
step_postgres_image
step_nats_image
step_shop_images
step_env
step_chromium
printf 'setup: done in %s\n' "$(since "$T_START")"
logmsg "==> done"
