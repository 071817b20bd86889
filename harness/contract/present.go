package contract

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/harness/junit"
	"github.com/tandem-harness/tandem/harness/system"
)

// Endpoints returns where a provider running at baseURL takes provider-state
// changes and produces messages, from its x-tandem settings ("" when none).
func Endpoints(baseURL string, svc *system.Service) (states, messages string) {
	base := strings.TrimRight(baseURL, "/")
	if svc.Tandem.ProviderStates != "" {
		states = base + svc.Tandem.ProviderStates
	}
	if svc.Tandem.Messages != "" {
		messages = base + svc.Tandem.Messages
	}
	return states, messages
}

// Counts tallies a verification's results.
type Counts struct{ Verified, Failed, PendingFailed int }

// Count tallies the results.
func (v *Verification) Count() Counts {
	var c Counts
	for _, r := range v.Results {
		switch {
		case r.Passed:
			c.Verified++
		case r.Pending:
			c.PendingFailed++
		default:
			c.Failed++
		}
	}
	return c
}

// Print writes one line per interaction, the mismatches under each failure,
// and a closing tally.
func (v *Verification) Print(w io.Writer) {
	for _, r := range v.Results {
		mark := "ok     "
		switch {
		case !r.Passed && r.Pending:
			mark = "PENDING"
		case !r.Passed:
			mark = "FAILED "
		}
		fmt.Fprintf(w, "  %s  %s\n", mark, r.Name())
		if !r.Passed {
			if r.Problem != "" {
				fmt.Fprintf(w, "             %s\n", r.Problem)
			}
			for _, m := range r.Mismatches {
				fmt.Fprintf(w, "             %s\n", m.String())
			}
		}
	}
	c := v.Count()
	fmt.Fprintf(w, "%s %s: %d verified, %d failed, %d pending failure(s) (reported, not failing) in %s\n",
		v.Provider, v.ProviderVersion, c.Verified, c.Failed, c.PendingFailed, v.Duration.Round(time.Millisecond))
}

// JUnit is the verification as a JUnit suite: one test case per interaction,
// failures with their mismatches, pending failures as skipped.
func (v *Verification) JUnit() junit.Suite {
	s := junit.Suite{Name: "contracts: " + v.Provider + " " + v.ProviderVersion, Time: v.Duration}
	names := make([]string, len(v.Results))
	for i, r := range v.Results {
		names[i] = r.Name()
	}
	names = Distinct(names)
	for i, r := range v.Results {
		d, _ := time.ParseDuration(r.Duration)
		c := junit.Case{Name: names[i], ClassName: "contracts." + v.Provider, Time: d}
		switch {
		case !r.Passed && r.Pending:
			c.Skipped = r.Explain()
		case !r.Passed:
			c.Failure = r.Explain()
		}
		s.Cases = append(s.Cases, c)
	}
	return s
}
