package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/tandem-harness/tandem/internal/pactffi"
)

// VerifyRequest asks a running provider to prove it honours pacts.
type VerifyRequest struct {
	Provider        string
	ProviderVersion string
	// BaseURL is where the provider answers, e.g. http://127.0.0.1:32771.
	BaseURL string
	// StatesURL is the provider's provider-state endpoint; empty if it has none.
	StatesURL string
	// MessagesURL is where the provider produces the messages of its message
	// pacts (x-tandem.messages); empty if it has none.
	MessagesURL string
	// Pacts to verify, from Store.Select.
	Pacts []Selected
}

// Verification is the outcome of verifying a provider: one Result per interaction.
type Verification struct {
	Provider, ProviderVersion string
	Results                   []Result
	// Output is the Pact verifier's own report, in plain text.
	Output   string
	Duration time.Duration
}

// Result is the outcome of one interaction.
type Result struct {
	Consumer, ConsumerVersion string
	Description               string
	States                    []string
	Passed                    bool
	// Pending is true when the interaction's pact is pending (never verified
	// successfully by this provider) or work in progress.
	Pending bool
	// Problem is the verifier's summary when the interaction could not run
	// (a failing provider state, an unreachable provider).
	Problem    string
	Mismatches []Mismatch
	Duration   string
}

// Mismatch is one difference between what the pact expects and what the
// provider answered.
type Mismatch struct {
	Type     string // BodyMismatch, StatusMismatch, HeaderMismatch, …
	Path     string // e.g. $.products[0].name
	Expected string
	Actual   string
	Text     string // the verifier's words
}

// Passed reports whether every interaction verified, pending ones aside: a
// pending pact's failures are reported but do not fail the verification.
func (v *Verification) Passed() bool {
	for _, r := range v.Results {
		if !r.Passed && !r.Pending {
			return false
		}
	}
	return true
}

// Result returns the result of one consumer's interaction.
func (v *Verification) Result(consumer, description string) (Result, bool) {
	for _, r := range v.Results {
		if r.Consumer == consumer && r.Description == description {
			return r, true
		}
	}
	return Result{}, false
}

// Name is how reports name the interaction.
func (r Result) Name() string {
	s := r.Consumer + " " + r.ConsumerVersion + " → " + r.Description
	if len(r.States) > 0 {
		s += " (given " + strings.Join(r.States, ", ") + ")"
	}
	return s
}

// Explain says in words why the interaction failed: one line per mismatch with
// the field path, what was expected and what came back.
func (r Result) Explain() string {
	if r.Passed {
		return r.Name() + ": verified"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed", r.Name())
	if r.Pending {
		b.WriteString(" (pending: the provider has never verified this pact, so this does not fail the run)")
	}
	if r.Problem != "" {
		fmt.Fprintf(&b, ": %s", r.Problem)
	}
	for _, m := range r.Mismatches {
		fmt.Fprintf(&b, "\n  - %s", m.String())
	}
	return b.String()
}

func (m Mismatch) String() string {
	kind := strings.TrimSuffix(m.Type, "Mismatch")
	s := strings.ToLower(kind)
	if m.Path != "" {
		s += " " + m.Path
	}
	s += ": " + m.Text
	if m.Expected != "" || m.Actual != "" {
		s += fmt.Sprintf(" (expected %s, got %s)", orNone(m.Expected), orNone(m.Actual))
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// Verify runs the Pact verifier (the real Pact FFI) against a running provider,
// one pact at a time, and returns one result per interaction, redacted (see
// Redact), also when it returns an error with what it verified so far.
func Verify(ctx context.Context, req VerifyRequest) (*Verification, error) {
	v, err := verifyPacts(ctx, req)
	return Redact(v), err
}

func verifyPacts(ctx context.Context, req VerifyRequest) (*Verification, error) {
	begin := time.Now()
	v := &Verification{Provider: req.Provider, ProviderVersion: req.ProviderVersion}
	if len(req.Pacts) == 0 {
		return v, fmt.Errorf("verify %s: no pacts to verify; publish one with `tandem contracts publish`", req.Provider)
	}
	var outputs []string
	for _, e := range req.Pacts {
		if err := ctx.Err(); err != nil {
			return v, err
		}
		if e.Provider != req.Provider {
			return v, fmt.Errorf("verify %s: %s is a pact with provider %s", req.Provider, e.Path, e.Provider)
		}
		p, err := ReadPact(e.Path)
		if err != nil {
			return v, err
		}
		out, err := pactffi.Verify(pactffi.Request{
			Provider:        req.Provider,
			ProviderVersion: req.ProviderVersion,
			BaseURL:         req.BaseURL,
			StatesURL:       req.StatesURL,
			MessagesURL:     req.MessagesURL,
			PactFiles:       []string{e.Path},
			Quiet:           true,
		})
		outputs = append(outputs, out.Output)
		if err != nil {
			return v, fmt.Errorf("verify %s against %s %s: %w", req.Provider, e.Consumer, e.Version.Version, err)
		}
		results, err := parseResults(out.JSON, p, e.Entry)
		if err != nil {
			return v, fmt.Errorf("verify %s: read the verifier's result: %w", req.Provider, err)
		}
		for i := range results {
			results[i].Pending = e.Pending
		}
		v.Results = append(v.Results, results...)
	}
	v.Output = strings.Join(outputs, "\n")
	v.Duration = time.Since(begin)
	return v, nil
}

type ffiResult struct {
	Errors []struct {
		Interaction string `json:"interaction"`
		Mismatch    struct {
			Type       string `json:"type"`
			Message    string `json:"message"`
			Mismatches []struct {
				Type     string `json:"type"`
				Path     string `json:"path"`
				Expected any    `json:"expected"`
				Actual   any    `json:"actual"`
				Mismatch string `json:"mismatch"`
			} `json:"mismatches"`
		} `json:"mismatch"`
	} `json:"errors"`
	InteractionResults []struct {
		Description string `json:"description"`
		Duration    string `json:"duration"`
		Result      string `json:"result"`
	} `json:"interactionResults"`
}

// parseResults turns the FFI's JSON into one Result per interaction of p. An
// interaction the verifier did not report counts as failed: silence is not a pass.
func parseResults(doc []byte, p *Pact, e Entry) ([]Result, error) {
	var fr ffiResult
	if err := json.Unmarshal(doc, &fr); err != nil {
		return nil, err
	}
	var results []Result
	for _, in := range p.Interactions {
		r := Result{Consumer: e.Consumer, ConsumerVersion: e.Version.Version, Description: in.Description, States: in.ProviderStates}
		reported := false
		for _, ir := range fr.InteractionResults {
			if ir.Description == in.Description {
				reported = true
				r.Duration = ir.Duration
				r.Passed = ir.Result == "OK"
			}
		}
		if !reported {
			r.Problem = "the verifier did not report this interaction"
		}
		for _, fe := range fr.Errors {
			if !strings.HasSuffix(fe.Interaction, " - "+in.Description) {
				continue
			}
			r.Passed = false
			if fe.Mismatch.Message != "" {
				r.Problem = fe.Mismatch.Message
			}
			var ms []Mismatch
			for _, m := range fe.Mismatch.Mismatches {
				ms = append(ms, Mismatch{
					Type: m.Type, Path: m.Path, Text: m.Mismatch,
					Expected: text(m.Expected), Actual: text(m.Actual),
				})
			}
			r.Mismatches = append(r.Mismatches, collapse(ms)...)
		}
		results = append(results, r)
	}
	if len(results) == 0 {
		return nil, errors.New("the pact has no interactions")
	}
	return results, nil
}

var index = regexp.MustCompile(`\[\d+\]`)

// collapse merges mismatches that differ only in an array index into one with
// the index written [*] and a count, and orders them by path.
func collapse(ms []Mismatch) []Mismatch {
	var out []Mismatch
	count := map[int]int{}
	for _, m := range ms {
		key := m
		key.Path = index.ReplaceAllString(m.Path, "[*]")
		found := -1
		for i, o := range out {
			if o == key {
				found = i
			}
		}
		if found < 0 {
			out = append(out, key)
			found = len(out) - 1
		}
		count[found]++
	}
	for i := range out {
		if count[i] > 1 {
			out[i].Text += fmt.Sprintf(" (in %d items)", count[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// text renders an expected/actual value from the FFI (a string, or JSON).
func text(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	default:
		b, _ := json.Marshal(t)
		return string(b)
	}
}
