package contract

import (
	"encoding/json"
	"fmt"
	"slices"
)

// verifierParts groups a pact's interactions so that no two in one group share
// a description. The verifier's JSON result names each interaction by its
// description alone, so a result can be told to belong to its own interaction
// only within such a group: a pact with repeated descriptions (the same
// request given different provider states) is verified one group at a time.
// A pact without repeats is one group, verified as it is.
func verifierParts(p *Pact) [][]Interaction {
	var parts [][]Interaction
	seen := map[string]int{} // description → how many groups hold it
	for _, in := range p.Interactions {
		n := seen[in.Description]
		seen[in.Description] = n + 1
		if n == len(parts) {
			parts = append(parts, nil)
		}
		parts[n] = append(parts[n], in)
	}
	return parts
}

// Subset returns the pact's JSON with only the interactions at the given
// indices (Interaction.Index); everything else is kept as it was.
func (p *Pact) Subset(indices []int) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(p.Raw, &doc); err != nil {
		return nil, fmt.Errorf("subset of pact: %w", err)
	}
	offset := 0
	for _, key := range []string{"interactions", "messages"} {
		raw, ok := doc[key]
		if !ok {
			continue
		}
		var all []json.RawMessage
		if err := json.Unmarshal(raw, &all); err != nil {
			return nil, fmt.Errorf("subset of pact: %s: %w", key, err)
		}
		kept := []json.RawMessage{}
		for i, in := range all {
			if slices.Contains(indices, offset+i) {
				kept = append(kept, in)
			}
		}
		offset += len(all)
		b, err := json.Marshal(kept)
		if err != nil {
			return nil, err
		}
		doc[key] = b
	}
	return json.Marshal(doc)
}
