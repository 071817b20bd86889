package report

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/harness/results"
	"github.com/tandem-harness/tandem/harness/system"
	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// ContractMatrix is the contract matrix of a system: for every service the
// store knows as a provider, the latest pact of each consumer on the main
// branch, and how the service's version in the system stands with it
// according to the store's verification records.
func ContractMatrix(store *contract.Store, sys *system.System) ([]results.ContractRow, error) {
	red := redact.Default()
	var rows []results.ContractRow
	for _, name := range sys.Names() {
		pacts, err := store.Select(name, nil, time.Time{})
		if err != nil {
			return nil, fmt.Errorf("contract matrix: %w", err)
		}
		if len(pacts) == 0 {
			continue
		}
		records, err := store.Verifications(name)
		if err != nil {
			return nil, fmt.Errorf("contract matrix: %w", err)
		}
		version := sys.Services[name].Version()
		for _, p := range pacts {
			row := results.ContractRow{Consumer: p.Consumer, ConsumerVersion: p.Version.Version, Provider: name, ProviderVersion: version, Status: results.ContractNeverVerified}
			if pact, err := contract.ReadPact(p.Path); err == nil {
				row.Interactions = len(pact.Interactions)
			}
			// The newest record of this provider version for this pact's content.
			for i := len(records) - 1; i >= 0; i-- {
				rec := records[i]
				if rec.ProviderVersion != version || rec.Consumer != p.Consumer || rec.ConsumerVersion != p.Version.Version || rec.PactSHA != p.SHA {
					continue
				}
				row.VerifiedAt = rec.VerifiedAt
				row.Interactions = len(rec.Interactions)
				for _, in := range rec.Interactions {
					if in.Passed {
						continue
					}
					row.Failed++
					problem := in.Name()
					if len(in.Problems) > 0 {
						problem += ": " + in.Problems[0]
					}
					row.Problems = append(row.Problems, red.Text(problem))
				}
				switch {
				case rec.Success:
					row.Status = results.ContractVerified
				case p.Pending:
					row.Status = results.ContractPending
				default:
					row.Status = results.ContractFailed
				}
				break
			}
			rows = append(rows, row)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Consumer != rows[j].Consumer {
			return rows[i].Consumer < rows[j].Consumer
		}
		return rows[i].Provider < rows[j].Provider
	})
	return rows, nil
}

// WriteContractMatrix writes the matrix to OUT/contracts/matrix.json.
func WriteContractMatrix(out string, rows []results.ContractRow) error {
	if rows == nil {
		rows = []results.ContractRow{}
	}
	b, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(out, filepath.FromSlash(results.MatrixFile)), append(b, '\n'))
}
