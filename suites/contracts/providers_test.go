package contracts_test

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/suite"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/suites/internal/shop"
)

// The tree is built from the store: one container per provider, one spec per
// interaction, so the JUnit report has a test case for each.
var _ = func() bool {
	sys, err := system.Load(context.Background(), shop.SystemFiles()...)
	if err != nil {
		panic(fmt.Sprintf("load the system under test: %v", err))
	}
	store, err := contract.Open(shop.ContractsDir())
	if err != nil {
		panic(err)
	}
	// Pact's recommended selectors: what consumers have on their main branch
	// (the change to be released) and what is deployed (what a provider
	// release must not break), so can-i-deploy can answer for both.
	selectors := []contract.Selector{{MainBranch: true}, {DeployedOrReleased: true}}
	for _, name := range sys.Names() {
		pacts, err := store.Select(name, selectors, time.Time{})
		if err != nil {
			panic(fmt.Sprintf("read the contract store %s: %v", store.Dir, err))
		}
		if len(pacts) > 0 {
			describeProvider(sys, store, sys.Services[name], pacts)
		}
	}
	return true
}()

func describeProvider(sys *system.System, store *contract.Store, svc *system.Service, pacts []contract.Selected) {
	// Ordered: the environment and the verification run once, in BeforeAll.
	// ContinueOnFailure: every interaction is reported, not only the first failure.
	Describe("provider "+svc.Name, Ordered, ContinueOnFailure, Label("contract", "provider-"+svc.Name), func() {
		var verification *contract.Verification

		BeforeAll(func(ctx SpecContext) {
			e := suite.StartEnv(ctx, sys, env.WithOutputDir(shop.RunsDir()),
				env.WithServices(svc.Name),
				env.WithEnv(svc.Name, map[string]string{"PROVIDER_STATES": "true"}))
			url, err := e.URL(svc.Name)
			Expect(err).NotTo(HaveOccurred())
			states, messages := contract.Endpoints(url, svc)
			fmt.Fprintf(suite.Progress(), "tandem: verifying provider %s %s against %d pact(s)\n", svc.Name, svc.Version(), len(pacts))
			verification, err = contract.Verify(ctx, contract.VerifyRequest{
				Provider: svc.Name, ProviderVersion: svc.Version(),
				BaseURL: url, StatesURL: states, MessagesURL: messages, Pacts: pacts,
			})
			Expect(err).NotTo(HaveOccurred())
			AddReportEntry("verifier output", verification.Output, ReportEntryVisibilityFailureOrVerbose)
			// The store remembers the outcome: it decides what is pending next
			// time, and what can-i-deploy answers.
			branch, err := store.MainBranch(svc.Name)
			Expect(err).NotTo(HaveOccurred())
			Expect(store.Record(verification, branch, pacts)).To(Succeed())
		}, NodeTimeout(5*time.Minute))

		for _, entry := range pacts {
			what := "honours"
			if entry.Pending {
				what = "honours (pending)"
			}
			p, err := contract.ReadPact(entry.Path)
			if err != nil {
				panic(err)
			}
			names := make([]string, len(p.Interactions))
			for i, in := range p.Interactions {
				names[i] = in.Name()
			}
			names = contract.Distinct(names)
			for i, in := range p.Interactions {
				// One spec per interaction, named by its description and
				// provider states: a pact may repeat a description with other
				// states, and each is its own interaction.
				It(fmt.Sprintf("%s %s %s: %s", what, entry.Consumer, entry.Version.Version, names[i]), func() {
					r, ok := verification.Result(entry.Consumer, entry.Version.Version, in)
					Expect(ok).To(BeTrue(), "the verifier reported no result for %q", in.Name())
					switch {
					case !r.Passed && r.Pending:
						Skip(r.Explain())
					case !r.Passed:
						Fail(r.Explain())
					}
				})
			}
		}
	})
}
