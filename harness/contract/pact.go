package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Pact is a parsed pact file.
type Pact struct {
	Consumer     string
	Provider     string
	Spec         string // pact specification version, e.g. "4.0"
	Interactions []Interaction
	// Raw is the file's content.
	Raw []byte
}

// Interaction is one request/response (or message) of a pact.
type Interaction struct {
	Description    string
	ProviderStates []string
	Type           string // "Synchronous/HTTP", "Asynchronous/Messages", …
	// Key is the V4 interaction key; empty in older pacts.
	Key string
	// Index is the interaction's position in the pact (interactions, then
	// messages), which tells apart even two interactions that say the same.
	Index int
}

// ID identifies the interaction within its pact the way the Pact verifier
// does: by its V4 key when it has one, else by its provider states and
// description. A pact may hold several interactions with one description and
// different provider states (the Pact workshop's login pact does).
func (in Interaction) ID() string {
	if in.Key != "" {
		return "key " + in.Key
	}
	return in.Name()
}

// Name is how reports name the interaction: its description, and the provider
// states it is given.
func (in Interaction) Name() string {
	return InteractionName(in.Description, in.ProviderStates)
}

// InteractionName names an interaction by its description and provider states:
// "a request to login (given user sally exists)".
func InteractionName(description string, states []string) string {
	if len(states) == 0 {
		return description
	}
	return description + " (given " + strings.Join(states, ", ") + ")"
}

type pactFile struct {
	Consumer     *struct{ Name string } `json:"consumer"`
	Provider     *struct{ Name string } `json:"provider"`
	Interactions []json.RawMessage      `json:"interactions"`
	Messages     []json.RawMessage      `json:"messages"`
	Metadata     map[string]any         `json:"metadata"`
}

type interactionFile struct {
	Key            string                  `json:"key"`
	Description    string                  `json:"description"`
	Type           string                  `json:"type"`
	ProviderState  string                  `json:"providerState"`
	ProviderStates []struct{ Name string } `json:"providerStates"`
}

// ReadPact reads and validates a pact file.
func ReadPact(path string) (*Pact, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read pact: %w", err)
	}
	p, err := ParsePact(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// ParsePact parses and validates pact JSON: specification version 2 to 4,
// consumer and provider names, and at least one interaction with a description.
func ParsePact(b []byte) (*Pact, error) {
	var f pactFile
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("not a pact: invalid JSON: %w", err)
	}
	var errs []error
	if f.Consumer == nil || strings.TrimSpace(f.Consumer.Name) == "" {
		errs = append(errs, errors.New("consumer.name is missing"))
	}
	if f.Provider == nil || strings.TrimSpace(f.Provider.Name) == "" {
		errs = append(errs, errors.New("provider.name is missing"))
	}
	spec := specVersion(f.Metadata)
	if spec == "" {
		errs = append(errs, errors.New("metadata.pactSpecification.version is missing; write pacts with a Pact library (pact-go, pact-js) so they say which specification they follow"))
	} else if major := strings.SplitN(spec, ".", 2)[0]; major < "2" || major > "4" || len(major) != 1 {
		errs = append(errs, fmt.Errorf("pact specification %s is not supported; Tandem reads versions 2 to 4", spec))
	}
	raw := append(f.Interactions, f.Messages...)
	if len(raw) == 0 {
		errs = append(errs, errors.New("interactions: the pact has none; a consumer test that ran no interaction wrote it"))
	}
	p := &Pact{Spec: spec, Raw: b}
	if f.Consumer != nil {
		p.Consumer = f.Consumer.Name
	}
	if f.Provider != nil {
		p.Provider = f.Provider.Name
	}
	for i, r := range raw {
		var in interactionFile
		if err := json.Unmarshal(r, &in); err != nil {
			errs = append(errs, fmt.Errorf("interactions[%d]: %w", i, err))
			continue
		}
		if strings.TrimSpace(in.Description) == "" {
			errs = append(errs, fmt.Errorf("interactions[%d].description is missing", i))
		}
		it := Interaction{Description: in.Description, Type: in.Type, Key: in.Key, Index: i}
		if in.ProviderState != "" {
			it.ProviderStates = append(it.ProviderStates, in.ProviderState)
		}
		for _, s := range in.ProviderStates {
			it.ProviderStates = append(it.ProviderStates, s.Name)
		}
		p.Interactions = append(p.Interactions, it)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("not a valid pact: %w", err)
	}
	return p, nil
}

func specVersion(meta map[string]any) string {
	for _, key := range []string{"pactSpecification", "pact-specification"} {
		if m, ok := meta[key].(map[string]any); ok {
			if v, ok := m["version"].(string); ok {
				return v
			}
		}
	}
	if v, ok := meta["pactSpecificationVersion"].(string); ok {
		return v
	}
	return ""
}

// Content returns the pact without its metadata, canonically encoded: two pacts
// with equal Content say the same thing even if written by different library
// versions.
func (p *Pact) Content() ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(p.Raw, &m); err != nil {
		return nil, err
	}
	delete(m, "metadata")
	return json.Marshal(m) // map keys are sorted: canonical
}

// Distinct returns names with every repeat numbered ("name #2", "name #3"), so
// that each interaction has its own test case even when two of a pact say
// the same (same description, same provider states, no key).
func Distinct(names []string) []string {
	out := make([]string, len(names))
	seen := map[string]int{}
	for i, n := range names {
		seen[n]++
		out[i] = n
		if seen[n] > 1 {
			out[i] = fmt.Sprintf("%s #%d", n, seen[n])
		}
	}
	return out
}
