package verify

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/progress"
)

// contractSelectors are Pact's recommended consumer version selectors: what
// consumers have on their main branch (the change to be released) and what
// is deployed (what a provider release must not break). The contracts suite
// uses the same.
var contractSelectors = []contract.Selector{{MainBranch: true}, {DeployedOrReleased: true}}

// providersToVerify are cfg.Providers, or every service of the system that a
// stored pact names as its provider.
func providersToVerify(cfg Config, sys *system.System, store *contract.Store) ([]string, error) {
	if len(cfg.Providers) > 0 {
		return cfg.Providers, nil
	}
	entries, err := store.List()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if _, ok := sys.Services[e.Provider]; ok && !slices.Contains(names, e.Provider) {
			names = append(names, e.Provider)
		}
	}
	slices.Sort(names)
	return names, nil
}

// verifyProvider is one provider's contract step, run by tandem itself
// (no suite to compile): the provider starts with its dependencies, every
// selected pact is verified with the Pact FFI, and the outcome is recorded
// in the store. Each interaction is a spec of the contracts suite, named
// as the release report's contract matrix expects ("provider P" "honours C
// V: interaction"). A failing interaction fails the step, with its
// mismatch; a failing pending pact does not (Pact's rule): its spec is
// skipped with the mismatch, and the step names it.
func verifyProvider(ctx context.Context, cfg Config, p *progress.Writer, sys *system.System, store *contract.Store, out, provider string) ([]types.SpecReport, string, error) {
	begin := time.Now()
	specs, detail, err := verifyProviderPacts(ctx, cfg, p, sys, store, out, provider)
	if err != nil && len(specs) == 0 {
		// It did not get as far as verifying: one spec says why.
		specs = append(specs, spec("provider "+provider, "starts and verifies its pacts", contractLabels(provider), time.Since(begin), err))
	}
	return specs, detail, err
}

func verifyProviderPacts(ctx context.Context, cfg Config, p *progress.Writer, sys *system.System, store *contract.Store, out, provider string) ([]types.SpecReport, string, error) {
	svc, err := sys.Service(provider)
	if err != nil {
		return nil, "", err
	}
	selectors := contractSelectors
	if cfg.MatchingBranch != "" {
		selectors = append(slices.Clone(selectors), contract.Selector{Branch: cfg.MatchingBranch})
	}
	pacts, err := store.Select(provider, selectors, time.Time{})
	if err != nil {
		return nil, "", err
	}
	if len(pacts) == 0 {
		var names []string
		for _, s := range selectors {
			names = append(names, s.String())
		}
		return nil, fmt.Sprintf("no pact selects it (%s)", strings.Join(names, ", ")), nil
	}
	if err := contract.LoadVerifier(); err != nil {
		return nil, "", err
	}
	p.Status("starting %s to verify %d pact(s)", provider, len(pacts))
	e, err := env.Start(ctx, sys, env.WithServices(provider), env.WithOutputDir(filepath.Join(out, "runs")),
		env.WithEnv(provider, map[string]string{"PROVIDER_STATES": "true"}))
	defer func() {
		if err := e.Stop(context.WithoutCancel(ctx)); err != nil {
			fmt.Fprintf(cfg.Stdout, "tandem verify: %v\n", err)
		}
	}()
	if err != nil {
		return nil, "", err
	}
	url, err := e.URL(provider)
	if err != nil {
		return nil, "", err
	}
	states, messages := contract.Endpoints(url, svc)
	verifying.Lock() // one verifier at a time in this process; the environments start side by side
	p.Status("verifying %s %s against %d pact(s)", provider, svc.Version(), len(pacts))
	v, err := contract.Verify(ctx, contract.VerifyRequest{
		Provider: provider, ProviderVersion: svc.Version(),
		BaseURL: url, StatesURL: states, MessagesURL: messages, Pacts: pacts,
	})
	verifying.Unlock()
	if err != nil {
		return nil, "", err
	}
	branch, err := store.MainBranch(provider)
	if err != nil {
		return nil, "", err
	}
	if err := store.Record(v, branch, pacts); err != nil {
		return nil, "", err
	}
	specs := interactionSpecs(v)
	var verified, failed int
	var failures, pending []string
	for _, r := range v.Results {
		switch {
		case r.Passed:
			verified++
		case r.Pending:
			pending = append(pending, fmt.Sprintf("%s %s (pending): %s", r.Consumer, r.ConsumerVersion, r.Explain()))
		default:
			failed++
			failures = append(failures, fmt.Sprintf("%s %s: %s", r.Consumer, r.ConsumerVersion, r.Explain()))
		}
	}
	detail := fmt.Sprintf("%s %s: %d verified, %d failed", provider, svc.Version(), verified, failed)
	if len(pending) > 0 {
		detail += fmt.Sprintf(", %d pending failing (they do not fail the step): %s", len(pending), strings.Join(pending, "; "))
	}
	if failed > 0 {
		return specs, detail, fmt.Errorf("%s:\n%s", detail, strings.Join(failures, "\n"))
	}
	return specs, detail, nil
}

// verifying serializes the Pact FFI verifier: its logging and handles are
// not documented as safe to use from two goroutines at once.
var verifying sync.Mutex

// interactionSpecs are the verification's results as specs: "provider P"
// "honours C V: interaction", or "honours (pending) …" for a pending pact,
// which is skipped, not failed, when it fails.
func interactionSpecs(v *contract.Verification) []types.SpecReport {
	names := make([]string, len(v.Results))
	for i, r := range v.Results {
		what := "honours"
		if r.Pending {
			what = "honours (pending)"
		}
		names[i] = fmt.Sprintf("%s %s %s: %s", what, r.Consumer, r.ConsumerVersion, contract.InteractionName(r.Description, r.States))
	}
	names = contract.Distinct(names)
	specs := make([]types.SpecReport, 0, len(v.Results))
	for i, r := range v.Results {
		took, _ := time.ParseDuration(r.Duration)
		var err error
		if !r.Passed {
			err = errors.New(r.Explain())
		}
		s := spec("provider "+v.Provider, names[i], contractLabels(v.Provider), took, err)
		if !r.Passed && r.Pending {
			s.State = types.SpecStateSkipped
		}
		specs = append(specs, s)
	}
	return specs
}
