package verify

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/harness/report"
)

// redactGinkgoReport rewrites the suites' JSON report with every string
// redacted (failure messages quote response bodies; captured output quotes
// logs) and returns it.
func redactGinkgoReport(path string) ([]types.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the suites' report: %w", err)
	}
	b = redact.Default().JSONStrings(b)
	var reports []types.Report
	if err := json.Unmarshal(b, &reports); err != nil {
		return nil, fmt.Errorf("read the suites' report %s: %w", path, err)
	}
	if err := writeAtomic(path, b); err != nil {
		return nil, err
	}
	return reports, nil
}

// writeJUnit writes OUT/junit/SUITE.xml for each suite and OUT/junit.xml with
// them all, as Ginkgo's --junit-report would, from the redacted report.
func writeJUnit(out string, reports []types.Report) error {
	dir := filepath.Join(out, "junit")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	all := reporters.JUnitTestSuites{}
	for _, r := range reports {
		path := filepath.Join(dir, filepath.Base(r.SuitePath)+".xml")
		if err := reporters.GenerateJUnitReport(r, path); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		var one reporters.JUnitTestSuites
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := xml.Unmarshal(b, &one); err != nil {
			return fmt.Errorf("read back %s: %w", path, err)
		}
		all.Tests += one.Tests
		all.Disabled += one.Disabled
		all.Errors += one.Errors
		all.Failures += one.Failures
		all.Time += one.Time
		all.TestSuites = append(all.TestSuites, one.TestSuites...)
	}
	b, err := xml.MarshalIndent(all, "  ", "    ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(out, report.JUnitFile), append([]byte(xml.Header), append(b, '\n')...))
}

func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}
