#!/usr/bin/env bash
# scripts/setup.sh — idempotent machine setup for Tandem (run by `make setup`,
# `make test` and `make verify` from the repo root).
#
# Needs only Go, npm and (as root on Debian) apt. It makes sure that:
#   1. a Docker engine answers (uses a running one; else starts/installs dockerd),
#   2. the Pact FFI library is in .tandem/lib/ (from npm), and pact-js and the
#      pact CLI are in .tandem/npm/ (for the interoperability tests),
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

PACT_NPM_PACKAGE="@pact-foundation/pact-core-linux-x64-glibc"
PACT_NPM_VERSION="20.1.0" # ships libpact_ffi 0.5.6, the version pact-go v2.7.0 pins
PACT_FFI_VERSION="0.5.6"

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

# One setup at a time (make test and make verify may both start one). The lock
# lives on fd 9; long-lived children (dockerd) must not inherit it: see step_docker.
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

printf 'tandem setup log, started %s (uid %s, %s)\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(id -u)" "$ROOT" >"$SETUP_LOG"
SETUP_PID="$$"
trap 'on_err "$?" "$LINENO" "$BASH_COMMAND"' ERR
trap 'run_exit_handlers' EXIT
T_START="$(now_us)"

# ---------------------------------------------------------------------------
# 1. Docker engine
# ---------------------------------------------------------------------------
docker_answers() {
	command -v docker >/dev/null 2>&1 &&
		timeout 20 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1
}

docker_server_version() {
	docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || echo "unknown version"
}

step_docker() {
	local hint_manual="install Docker Engine (https://docs.docker.com/engine/install/) and start it, or run as root on Debian so setup can install docker.io"
	step docker "$hint_manual"
	if docker_answers; then
		say docker "using running engine $(docker_server_version)"
		return
	fi
	local why
	why="$(docker info 2>&1 | tail -n 3 | tr '\n' ' ' || true)"
	logmsg "docker info does not answer: $why"
	if [[ "$why" == *"permission denied"* ]]; then
		fail "an engine runs, but this user may not use its socket (permission denied)" \
			"add the user to the docker group (sudo usermod -aG docker \"\$USER\", then log in again) or run as root"
	fi

	case "${DOCKER_HOST:-}" in
	"" | unix:///var/run/docker.sock | unix:///run/docker.sock) ;;
	*)
		fail "DOCKER_HOST=$DOCKER_HOST does not answer (docker info failed)" \
			"start the engine at DOCKER_HOST, or unset DOCKER_HOST so setup can use a local dockerd"
		;;
	esac
	if ! is_root || ! is_debian; then
		fail "no Docker engine answers (docker info failed) and setup can only install/start one as root on Debian" "$hint_manual"
	fi

	local what="started existing dockerd"
	if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
		apt_install docker.io
		hash -r
		command -v dockerd >/dev/null 2>&1 || fail "apt installed docker.io but dockerd is not on the PATH" "$hint_manual"
		what="installed docker.io and started dockerd"
	fi

	local t0
	t0="$(now_us)"
	if pgrep -x dockerd >/dev/null 2>&1; then
		what="waited for already running dockerd (pid $(pgrep -x dockerd | head -n 1 || true))"
	else
		logmsg "+ setsid -f nohup dockerd --ip=127.0.0.1 >.tandem/dockerd.log 2>&1 </dev/null"
		# setsid: own session, so the engine survives the make process that ran us.
		# 9>&-: it must not inherit (and so hold forever) our setup lock.
		# --ip: a port published without an address binds to loopback, not to
		# every interface. Tandem names 127.0.0.1 itself; testcontainers' reaper
		# (whose port takes commands to remove containers) does not.
		setsid -f nohup dockerd --ip=127.0.0.1 >"$TANDEM_DIR/dockerd.log" 2>&1 </dev/null 9>&-
	fi
	local i
	for ((i = 0; i < 60; i++)); do
		if docker_answers; then
			say docker "$what: engine $(docker_server_version) ready in $(since "$t0") (log .tandem/dockerd.log)"
			return
		fi
		sleep 0.5
	done
	{
		echo "---- last lines of .tandem/dockerd.log ----"
		tail -n 15 "$TANDEM_DIR/dockerd.log" 2>/dev/null || true
	} >>"$SETUP_LOG"
	fail "dockerd did not answer docker info within 30 s" \
		"read .tandem/dockerd.log; fix the cause (or stop a broken dockerd) and run 'make setup' again"
}

# ---------------------------------------------------------------------------
# 2. Pact FFI library
# ---------------------------------------------------------------------------
pact_tmp=""
cleanup_pact_tmp() {
	if [ -n "$pact_tmp" ] && [ -d "$pact_tmp" ]; then rm -rf "$pact_tmp"; fi
}

step_pact_ffi() {
	local lib="$LIB_DIR/libpact_ffi.so" verfile="$LIB_DIR/libpact_ffi.version"
	step "pact ffi" "check that npm can reach its registry (npm ping) and run 'make setup' again"
	if [ -s "$lib" ]; then
		local ver="unknown version"
		[ -s "$verfile" ] && ver="$(head -n 1 "$verfile")"
		say "pact ffi" "present .tandem/lib/libpact_ffi.so ($ver)"
		return
	fi
	if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ] || ! getconf GNU_LIBC_VERSION >/dev/null 2>&1; then
		fail "the Pact FFI library is only set up automatically on linux x86-64 with glibc (this is $(uname -s) $(uname -m))" \
			"put a libpact_ffi $PACT_FFI_VERSION build for this platform at .tandem/lib/libpact_ffi.so (see https://github.com/pact-foundation/pact-reference/releases)"
	fi
	command -v npm >/dev/null 2>&1 || fail "npm is not installed" "install Node.js with npm (Debian: apt-get install -y npm) and run 'make setup' again"

	pact_tmp="$(mktemp -d "$TANDEM_DIR/tmp-pact.XXXXXX")"
	at_exit cleanup_pact_tmp
	run npm pack --pack-destination "$pact_tmp" "$PACT_NPM_PACKAGE@$PACT_NPM_VERSION"
	local tgz
	tgz="$(find "$pact_tmp" -maxdepth 1 -name '*.tgz' | head -n 1)"
	[ -n "$tgz" ] || fail "npm pack produced no .tgz for $PACT_NPM_PACKAGE@$PACT_NPM_VERSION"
	run tar -xzf "$tgz" -C "$pact_tmp"
	local src="$pact_tmp/package/prebuilds/linux-x64/libpact_ffi.so"
	[ -s "$src" ] || fail "$PACT_NPM_PACKAGE@$PACT_NPM_VERSION has no prebuilds/linux-x64/libpact_ffi.so"
	# The library embeds its version (what pactffi_version() returns) as a plain string.
	local ver="$PACT_FFI_VERSION (unverified)"
	if command -v strings >/dev/null 2>&1 && strings -n 5 "$src" | grep -xF "$PACT_FFI_VERSION" >/dev/null; then
		ver="$PACT_FFI_VERSION"
	fi
	cp "$src" "$lib.partial"
	mv -f "$lib.partial" "$lib"
	printf '%s from npm %s@%s\n' "$ver" "$PACT_NPM_PACKAGE" "$PACT_NPM_VERSION" >"$verfile"
	cleanup_pact_tmp
	say "pact ffi" "installed .tandem/lib/libpact_ffi.so ($ver from npm $PACT_NPM_PACKAGE@$PACT_NPM_VERSION)"
}

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

# Toxiproxy image (fault injection, x-tandem.proxy): the server built from its
# Go module into a scratch image; skipped when the image was built from the
# same recipe and version.
step_toxiproxy_image() {
	local module="github.com/Shopify/toxiproxy/v2" version="v2.12.0" # name it exactly: @latest is an old v2.5.0
	local image="tandem.local/toxiproxy:${version#v}" context="fixtures/images/toxiproxy"
	step toxiproxy "fix the Go or Docker error shown above and run 'make setup' again (the Go module proxy must serve $module@$version)"
	local t0 hash ldflags="-s -w -X $module.Version=${version#v}" # GET /version says 2.12.0, not "git"
	t0="$(now_us)"
	hash="$({
		echo "$module/cmd/server@$version $ldflags"
		find "$context" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
	} | sha256sum | cut -c1-16)"
	if image_exists "$image"; then
		if [ "$(image_label "$image" dev.tandem.context-sha)" = "$hash" ]; then
			say toxiproxy "$image present (skipped)"
			return
		fi
		logmsg "$image exists but was built from other sources (context hash differs): rebuilding"
	fi
	command -v go >/dev/null 2>&1 || fail "go is not on the PATH" "install Go (see go.mod for the version) and run 'make setup' again"
	mkdir -p "$BUILD_DIR/toxiproxy"
	# go install name@version builds the module on its own, outside ours; the binary is named "server".
	run env CGO_ENABLED=0 GOBIN="$BUILD_DIR/toxiproxy" go install -trimpath -ldflags="$ldflags" "$module/cmd/server@$version"
	run docker build \
		-f "$context/Dockerfile" \
		--label "$IMAGE_LABEL" \
		--label "dev.tandem.context-sha=$hash" \
		-t "$image" "$BUILD_DIR/toxiproxy"
	run docker image prune -f --filter "label=$IMAGE_LABEL"
	say toxiproxy "$image built (go install + build, $(since "$t0"))"
}

# Tandem's reaper (cmd/reaper, testcontainers' Ryuk protocol), built as
# tandem.local/testcontainers/ryuk:<tag> and tagged as the image testcontainers
# starts as its reaper, testcontainers/ryuk:<tag> (not pulled when it is on the
# engine), so that no hub prefix, which would rename every image, is needed.
# The name is read from the testcontainers-go version in go.mod; rebuilt when
# the reaper's sources change; the tag is put back whenever it names another image.
ensure_reaper_tag() { # build tag
	if [ "$(docker image inspect --format '{{.Id}}' "$2" 2>/dev/null || true)" = "$(docker image inspect --format '{{.Id}}' "$1")" ]; then
		return 1
	fi
	run docker tag "$1" "$2"
}

step_reaper_image() {
	local context="fixtures/images/reaper" tc_dir ryuk image
	step reaper "fix the Go or Docker error shown above and run 'make setup' again"
	command -v go >/dev/null 2>&1 || fail "go is not on the PATH" "install Go (see go.mod for the version) and run 'make setup' again"
	tc_dir="$(go list -m -f '{{.Dir}}' github.com/testcontainers/testcontainers-go 2>>"$SETUP_LOG")" ||
		fail "go list cannot find the testcontainers-go module" "run 'go mod download' and 'make setup' again"
	ryuk="$(sed -n 's/^const ReaperDefaultImage = "\(.*\)"$/\1/p' "$tc_dir/internal/config/config.go" 2>/dev/null || true)"
	[ -n "$ryuk" ] || fail "found no ReaperDefaultImage in $tc_dir/internal/config/config.go" \
		"testcontainers-go changed where it names its Ryuk image: update step_reaper_image"
	image="tandem.local/$ryuk"
	local t0 hash
	t0="$(now_us)"
	hash="$({
		echo "$image"
		find cmd/reaper internal/reaper "$context" -type f ! -name '*_test.go' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
		sha256sum go.mod go.sum
	} | sha256sum | cut -c1-16)"
	if image_exists "$image"; then
		if [ "$(image_label "$image" dev.tandem.context-sha)" = "$hash" ]; then
			if ensure_reaper_tag "$image" "$ryuk"; then
				say reaper "$image present, tagged $ryuk"
			else
				say reaper "$image present, as $ryuk (skipped)"
			fi
			return
		fi
		logmsg "$image exists but was built from other sources (context hash differs): rebuilding"
	fi
	mkdir -p "$BUILD_DIR/reaper"
	run env CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$BUILD_DIR/reaper/reaper" ./cmd/reaper
	run docker build \
		-f "$context/Dockerfile" \
		--label "$IMAGE_LABEL" \
		--label "dev.tandem.context-sha=$hash" \
		-t "$image" "$BUILD_DIR/reaper"
	ensure_reaper_tag "$image" "$ryuk" || true
	run docker image prune -f --filter "label=$IMAGE_LABEL"
	say reaper "$image built, tagged $ryuk (go build + build, $(since "$t0"))"
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

step_docker
step_pact_ffi
step_pact_tools
step_postgres_image
step_nats_image
step_reaper_image
step_toxiproxy_image
step_shop_images
step_env
step_chromium
printf 'setup: done in %s\n' "$(since "$T_START")"
logmsg "==> done"
