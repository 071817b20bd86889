package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
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
	// Key is the interaction's V4 key (empty in older pacts), and Index its
	// position in the pact: with Consumer and ConsumerVersion, they say
	// which interaction this result is for.
	Key    string
	Index  int
	Passed bool
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

// Result returns the result of one interaction of a consumer version's pact.
func (v *Verification) Result(consumer, consumerVersion string, in Interaction) (Result, bool) {
	for _, r := range v.Results {
		if r.Consumer == consumer && r.ConsumerVersion == consumerVersion && r.Index == in.Index && r.Interaction().ID() == in.ID() {
			return r, true
		}
	}
	return Result{}, false
}

// Interaction is the interaction this result is for.
func (r Result) Interaction() Interaction {
	return Interaction{Description: r.Description, ProviderStates: r.States, Key: r.Key, Index: r.Index}
}

// Name is how reports name the interaction: consumer, version, description
// and provider states.
func (r Result) Name() string {
	return r.Consumer + " " + r.ConsumerVersion + " → " + InteractionName(r.Description, r.States)
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

// LoadVerifier loads the Pact FFI library that Verify runs, so that a caller
// can say the library is missing, and how to get it, before it starts a
// provider. Verify loads it too: calling LoadVerifier first is optional.
func LoadVerifier() error {
	_, err := pactffi.Version()
	return err
}

// Verify runs the Pact verifier (the real Pact FFI) against a running provider,
// one pact at a time, and returns one result per interaction, redacted (see
// Redact), also when it returns an error with what it verified so far. A pact
// whose interactions repeat a description is verified in parts (see
// verifierParts), so that every result belongs to its own interaction.
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
		if e.Provider != req.Provider {
			return v, fmt.Errorf("verify %s: %s is a pact with provider %s", req.Provider, e.Path, e.Provider)
		}
		p, err := ReadPact(e.Path)
		if err != nil {
			return v, err
		}
		parts := verifierParts(p)
		for _, part := range parts {
			if err := ctx.Err(); err != nil {
				return v, err
			}
			file, cleanup, err := partFile(p, e.Path, part, len(parts))
			if err != nil {
				return v, fmt.Errorf("verify %s against %s %s: %w", req.Provider, e.Consumer, e.Version.Version, err)
			}
			out, err := pactffi.Verify(pactffi.Request{
				Provider:        req.Provider,
				ProviderVersion: req.ProviderVersion,
				BaseURL:         req.BaseURL,
				StatesURL:       req.StatesURL,
				MessagesURL:     req.MessagesURL,
				PactFiles:       []string{file},
				Quiet:           true,
			})
			cleanup()
			outputs = append(outputs, out.Output)
			if err != nil {
				return v, fmt.Errorf("verify %s against %s %s: %w", req.Provider, e.Consumer, e.Version.Version, err)
			}
			results, err := parseResults(out.JSON, part, e.Entry)
			if err != nil {
				return v, fmt.Errorf("verify %s: read the verifier's result: %w", req.Provider, err)
			}
			for i := range results {
				results[i].Pending = e.Pending
			}
			v.Results = append(v.Results, results...)
		}
	}
	v.Output = strings.Join(outputs, "\n")
	v.Duration = time.Since(begin)
	return v, nil
}

// partFile is the pact file that holds part: the stored file itself when the
// pact is verified whole, else a temporary file with only part's interactions.
func partFile(p *Pact, path string, part []Interaction, parts int) (string, func(), error) {
	if parts == 1 {
		return path, func() {}, nil
	}
	indices := make([]int, len(part))
	for i, in := range part {
		indices[i] = in.Index
	}
	b, err := p.Subset(indices)
	if err != nil {
		return "", nil, err
	}
	f, err := os.CreateTemp("", "tandem-pact-*.json")
	if err != nil {
		return "", nil, fmt.Errorf("write a part of %s: %w", path, err)
	}
	cleanup := func() { os.Remove(f.Name()) }
	if _, err := f.Write(b); err != nil {
		f.Close()
		cleanup()
		return "", nil, fmt.Errorf("write a part of %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("write a part of %s: %w", path, err)
	}
	return f.Name(), cleanup, nil
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

// parseResults turns the FFI's JSON into one Result per interaction of a
// verified part, whose descriptions are unique (verifierParts). An
// interaction the verifier did not report counts as failed: silence is not a
// pass.
func parseResults(doc []byte, part []Interaction, e Entry) ([]Result, error) {
	var fr ffiResult
	if err := json.Unmarshal(doc, &fr); err != nil {
		return nil, err
	}
	if len(part) == 0 {
		return nil, errors.New("the pact has no interactions")
	}
	results := make([]Result, len(part))
	for i, in := range part {
		r := Result{Consumer: e.Consumer, ConsumerVersion: e.Version.Version, Description: in.Description,
			States: in.ProviderStates, Key: in.Key, Index: in.Index}
		reported := false
		for _, ir := range fr.InteractionResults {
			if ir.Description == in.Description {
				reported = true
				r.Duration = ir.Duration
				r.Passed = ir.Result == "OK"
			}
		}
		if !reported {
			r.Passed = false
			r.Problem = "the verifier did not report this interaction"
		}
		results[i] = r
	}
	for _, fe := range fr.Errors {
		i := errorOwner(fe.Interaction, part)
		if i < 0 {
			continue
		}
		r := &results[i]
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
	return results, nil
}

// errorOwner finds the interaction a verifier error names ("Verifying a pact
// between C and P Given S - DESCRIPTION"): the one with the longest
// description that ends the name, so that "a request" does not take the
// errors of "an admin - a request". -1 when none does.
func errorOwner(name string, part []Interaction) int {
	owner := -1
	for i, in := range part {
		if strings.HasSuffix(name, " - "+in.Description) && (owner < 0 || len(in.Description) > len(part[owner].Description)) {
			owner = i
		}
	}
	return owner
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
