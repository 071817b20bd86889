// Package suite hands a Ginkgo suite the environment it tests: the system
// that tandem verify prepared ($TANDEM_SYSTEM, see package results) or the
// suite's own default, and an environment started with its teardown
// registered (DeferCleanup) before the error is checked, so that a failed
// start leaves nothing behind.
//
// A team's suite:
//
//	var e *env.Env
//	var _ = BeforeEach(func(ctx SpecContext) {
//		sys := suite.System(ctx, "compose.yaml") // $TANDEM_SYSTEM when tandem verify runs the suite
//		e = suite.StartEnv(ctx, sys)
//	})
//
// Until its teardown, a service of the environment that exits when nothing
// asked it to fails the running spec with its exit code and last log lines.
// For plain go test, package envtest does the same with a testing.TB.
package suite
