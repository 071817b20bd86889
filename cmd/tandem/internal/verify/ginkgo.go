package verify

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/tandem-harness/tandem/harness/junit"
	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// redactGinkgoReport rewrites the suites' JSON report with every string
// redacted (failure messages quote response bodies; captured output quotes
// logs) and returns it.
func redactGinkgoReport(path string) ([]types.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the suites' report: %w", err)
	}
	// Written before it is read back: whatever fails next, the report on
	// disk holds no secret.
	b = redact.Default().JSONStrings(b)
	if err := atomicfile.Write(path, b); err != nil {
		return nil, err
	}
	var reports []types.Report
	if err := json.Unmarshal(b, &reports); err != nil {
		return nil, fmt.Errorf("read the suites' report %s: %w", path, err)
	}
	return reports, nil
}

// writeJUnit writes OUT/junit/SUITE.xml for each suite and OUT/junit.xml with
// them all, as Ginkgo's --junit-report would, every string redacted (see
// junit.Redacted): all of them, or (when the disk is full, say) none.
func writeJUnit(out string, reports []types.Report) error {
	merged := filepath.Join(out, results.JUnitFile)
	// Ginkgo's generator writes to a file and ignores write errors: let it
	// write to a scratch folder, check that what it wrote is whole, and write
	// that.
	scratch, err := os.MkdirTemp(out, atomicfile.TempPrefix+"junit-")
	if err != nil {
		return atomicfile.WriteError(merged, err)
	}
	defer os.RemoveAll(scratch)
	var files atomicfile.Batch
	all := reporters.JUnitTestSuites{}
	for i, r := range reports {
		path := filepath.Join(out, "junit", filepath.Base(r.SuitePath)+".xml")
		tmp := filepath.Join(scratch, strconv.Itoa(i)+".xml")
		if err := reporters.GenerateJUnitReport(r, tmp); err != nil {
			return atomicfile.WriteError(path, err)
		}
		b, err := os.ReadFile(tmp)
		if err != nil {
			return err
		}
		var one reporters.JUnitTestSuites
		if err := xml.Unmarshal(b, &one); err != nil {
			if noSpaceLeft(scratch) {
				return &atomicfile.DiskFullError{Path: path, Dir: out, Err: syscall.ENOSPC}
			}
			return fmt.Errorf("read back %s: %w", path, err)
		}
		// Redacted again where it is written, whatever the caller did.
		if one, err = junit.Redacted(one); err != nil {
			return err
		}
		if b, err = xml.MarshalIndent(one, "  ", "    "); err != nil {
			return err
		}
		files.Add(path, append([]byte(xml.Header), append(b, '\n')...))
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
	files.Add(merged, append([]byte(xml.Header), append(b, '\n')...))
	_ = os.RemoveAll(scratch) // its space, for the files
	return files.Commit()
}

// noSpaceLeft reports whether the disk that holds dir is full.
func noSpaceLeft(dir string) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(dir, &st) == nil && st.Bavail == 0
}
