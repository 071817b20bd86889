# shellcheck shell=bash
# step_pact_tools for scripts/setup.sh: independent Pact tools from npm, which the
# interop tests (interop/, harness/contract/interop_test.go) use to prove that
# Tandem's pacts work with other Pact implementations, both ways:
#
#   pact-js   @pact-foundation/pact, writes consumer pacts through its own
#             pact-core (a Node addon with its own libpact_ffi);
#   pact CLI  @pact-foundation/pact-cli-linux-x64, a static `pact` binary whose
#             `pact verifier` verifies a provider from a pact file.
#
# Both go to .tandem/npm/ (git-ignored). Install scripts are not run: every
# package used ships its binaries in the tarball, so nothing is fetched at
# install or run time. Expects setup.sh's TANDEM_DIR and setup_lib.sh's helpers.
#
# Both tools send anonymous usage metrics to the internet unless
# PACT_DO_NOT_TRACK=true; everything that runs them here sets it.

# pact-js 16.5.0 is the newest release whose engines accept Node 20 (17.x and
# pact-core 20.x want Node >= 22); it depends on pact-core ^19.2.0, pinned here
# so that the FFI it loads is known: pact-core-linux-x64-glibc 19.2.0 ships
# libpact_ffi 0.5.4 and its Node addon (prebuilds/linux-x64/node.napi.node).
PACT_JS_VERSION="16.5.0"
PACT_JS_CORE_VERSION="19.2.0"
PACT_CLI_VERSION="18.1.2" # pact verifier 1.3.5

PACT_TOOLS_DIR="$TANDEM_DIR/npm"
PACT_TOOLS_DIR_REL=".tandem/npm"
PACT_CLI_PACKAGE="@pact-foundation/pact-cli-linux-x64"
PACT_CLI_BIN_REL="$PACT_TOOLS_DIR_REL/node_modules/$PACT_CLI_PACKAGE/standalone/pact"

# pact_tools_installed PKG: the version of PKG in .tandem/npm, or nothing.
pact_tools_installed() {
	local pj="$PACT_TOOLS_DIR/node_modules/$1/package.json"
	[ -r "$pj" ] || return 0
	sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$pj" | head -n 1
}

# pact_tools_current: whether .tandem/npm holds exactly the pinned versions.
pact_tools_current() {
	[ "$(pact_tools_installed @pact-foundation/pact)" = "$PACT_JS_VERSION" ] &&
		[ "$(pact_tools_installed @pact-foundation/pact-core)" = "$PACT_JS_CORE_VERSION" ] &&
		[ "$(pact_tools_installed @pact-foundation/pact-core-linux-x64-glibc)" = "$PACT_JS_CORE_VERSION" ] &&
		[ "$(pact_tools_installed "$PACT_CLI_PACKAGE")" = "$PACT_CLI_VERSION" ] &&
		[ -x "$ROOT/$PACT_CLI_BIN_REL" ]
}

# pact_tools_check: run both tools once (offline); set PACT_TOOLS_SUMMARY to what
# they are. Fails the step when one does not run.
PACT_TOOLS_SUMMARY=""
pact_tools_check() {
	local verifier
	verifier="$(PACT_DO_NOT_TRACK=true "$ROOT/$PACT_CLI_BIN_REL" verifier --version 2>>"$SETUP_LOG" |
		sed -n 's/^pact verifier version *: *//p')" || true
	[ -n "$verifier" ] || fail "$PACT_CLI_BIN_REL does not run (pact verifier --version printed no version)" \
		"delete $PACT_TOOLS_DIR_REL and run 'make setup' again"
	# Loading pact-js loads pact-core's addon and its libpact_ffi: a broken FFI fails here.
	logmsg "+ node -e 'require(\"@pact-foundation/pact\").PactV4' (in $PACT_TOOLS_DIR_REL)"
	if ! (cd "$PACT_TOOLS_DIR" && PACT_DO_NOT_TRACK=true node -e '
		const { PactV4 } = require("@pact-foundation/pact");
		new PactV4({ consumer: "setup", provider: "check", logLevel: "error" });
	') >>"$SETUP_LOG" 2>&1; then
		fail "pact-js $PACT_JS_VERSION is installed but does not load (its pact-core FFI addon failed; see the log)" \
			"check that node is version 20 or later (node --version), delete $PACT_TOOLS_DIR_REL and run 'make setup' again"
	fi
	PACT_TOOLS_SUMMARY="pact-js $PACT_JS_VERSION (pact-core $PACT_JS_CORE_VERSION), pact verifier $verifier ($PACT_CLI_BIN_REL)"
}

step_pact_tools() {
	step "pact tools" "check that npm can reach its registry (npm ping) and run 'make setup' again"
	if pact_tools_current; then
		pact_tools_check
		say "pact tools" "present $PACT_TOOLS_DIR_REL: $PACT_TOOLS_SUMMARY"
		return
	fi
	if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ] || ! getconf GNU_LIBC_VERSION >/dev/null 2>&1; then
		fail "the interop tools (pact-js, pact CLI) are only set up automatically on linux x86-64 with glibc (this is $(uname -s) $(uname -m))" \
			"install @pact-foundation/pact@$PACT_JS_VERSION and the pact CLI for this platform into $PACT_TOOLS_DIR_REL yourself"
	fi
	if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
		fail "node and npm are needed for the interop tools (pact-js, pact CLI)" \
			"install Node.js 20 or later with npm (Debian: apt-get install -y nodejs npm) and run 'make setup' again"
	fi
	local node_major
	node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
	[ "$node_major" -ge 20 ] 2>/dev/null ||
		fail "pact-js $PACT_JS_VERSION needs Node.js 20 or later; this is $(node --version 2>/dev/null || echo 'an unknown version')" \
			"install Node.js 20 or later and run 'make setup' again"

	local t0
	t0="$(now_us)"
	# Start from an empty tree: npm trusts its own record of a damaged one
	# ("up to date") and would not repair it.
	if [ -e "$PACT_TOOLS_DIR/node_modules" ]; then
		logmsg "$PACT_TOOLS_DIR_REL holds other versions or a damaged tree: reinstalling"
		rm -rf "$PACT_TOOLS_DIR/node_modules" "$PACT_TOOLS_DIR/package-lock.json"
	fi
	mkdir -p "$PACT_TOOLS_DIR"
	# --ignore-scripts: no lifecycle script may fetch anything (the binaries are in
	# the tarballs); the registry is whatever this machine's npm is configured with.
	run env PACT_DO_NOT_TRACK=true npm install --prefix "$PACT_TOOLS_DIR" \
		--no-audit --no-fund --ignore-scripts --save-exact --no-progress \
		"@pact-foundation/pact@$PACT_JS_VERSION" \
		"@pact-foundation/pact-core@$PACT_JS_CORE_VERSION" \
		"$PACT_CLI_PACKAGE@$PACT_CLI_VERSION"
	pact_tools_current ||
		fail "npm install finished but $PACT_TOOLS_DIR_REL does not hold the pinned versions (pact-js $PACT_JS_VERSION, pact-core(-linux-x64-glibc) $PACT_JS_CORE_VERSION, $PACT_CLI_PACKAGE $PACT_CLI_VERSION with standalone/pact)" \
			"delete $PACT_TOOLS_DIR_REL and run 'make setup' again"
	pact_tools_check
	say "pact tools" "installed into $PACT_TOOLS_DIR_REL in $(since "$t0"): $PACT_TOOLS_SUMMARY"
}
