package junit

import (
	"encoding/json"
	"fmt"

	"github.com/tandem-harness/tandem/harness/redact"
)

// Redacted returns a copy of a JUnit document made by another writer (Ginkgo's
// reporters.JUnitTestSuites, say) with every string in it redacted as Write
// redacts: names, messages, failure descriptions, system-out and -err, and
// properties. Structure and numbers are kept.
func Redacted[T any](doc T) (T, error) {
	var out T
	b, err := json.Marshal(doc)
	if err != nil {
		return out, fmt.Errorf("redact JUnit: %w", err)
	}
	if err := json.Unmarshal(redact.Default().JSONStrings(b), &out); err != nil {
		return out, fmt.Errorf("redact JUnit: %w", err)
	}
	return out, nil
}
