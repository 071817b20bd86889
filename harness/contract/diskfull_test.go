package contract

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/internal/atomicfile"
	"github.com/tandem-harness/tandem/internal/testdisk"
	"github.com/tandem-harness/tandem/internal/testpact"
)

// These tests keep the store on a real, nearly full disk: a small tmpfs
// (they need root to mount it). A write that does not fit must change
// nothing in the store.

// storeOnDisk opens a store in a 1 MiB tmpfs with gateway 1.0's pact for
// catalog published, and returns it with the disk.
func storeOnDisk(t *testing.T) (*Store, string) {
	t.Helper()
	disk := testdisk.Mount(t, "1m")
	s, err := Open(filepath.Join(disk, "contracts"))
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	mustPublish(t, s, "1.0", "main", "testdata/gateway-catalog.json")
	return s, disk
}

// requireUnchanged fails when err is not a DiskFullError for a file of the
// store, or when the disk differs from before (a file, a folder, a
// temporary file or a byte of space).
func requireUnchanged(t *testing.T, err error, prefix, disk string, before map[string]string, free int64) {
	t.Helper()
	var full *atomicfile.DiskFullError
	if !errors.As(err, &full) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error = %v (%T), want a DiskFullError", err, err)
	}
	if !strings.HasPrefix(err.Error(), prefix+": the disk that holds "+disk) || !strings.Contains(err.Error(), "is full") || !strings.Contains(err.Error(), "df -h") {
		t.Errorf("message:\n%s", err)
	}
	if !strings.HasPrefix(full.Path, filepath.Join(disk, "contracts")+string(filepath.Separator)) {
		t.Errorf("DiskFullError.Path = %s, not in the store", full.Path)
	}
	if changes := testdisk.Changes(before, testdisk.Tree(t, disk)); len(changes) > 0 {
		t.Errorf("the store changed:\n  %s", strings.Join(changes, "\n  "))
	}
	if got := testdisk.Free(t, disk); got != free {
		t.Errorf("%d bytes free, was %d: space is still held", got, free)
	}
}

func TestPublishOnAFullDiskChangesNothing(t *testing.T) {
	s, disk := storeOnDisk(t)
	// 12 KiB free: the first pact (6 KB, two blocks) fits, the second not.
	testdisk.Fill(t, disk, 12<<10)
	before, free := testdisk.Tree(t, disk), testdisk.Free(t, disk)

	_, err := s.Publish("gateway", "2.0", PublishOptions{Branch: "main"},
		"testdata/gateway-catalog-changed.json", testpact.WithProvider(t, "testdata/gateway-catalog.json", "orders"))
	requireUnchanged(t, err, "publish", disk, before, free)
	entries, _ := s.List()
	if len(entries) != 1 {
		t.Errorf("the store lists %d pacts, want gateway 1.0's only", len(entries))
	}
}

func TestRecordOnAFullDiskChangesNothing(t *testing.T) {
	s, disk := storeOnDisk(t)
	mustPublish(t, s, "1.1", "main", "testdata/gateway-catalog-changed.json")
	entries, err := s.List()
	if err != nil || len(entries) != 2 {
		t.Fatalf("entries = %v, %v", entries, err)
	}
	var pacts []Selected
	for _, e := range entries {
		pacts = append(pacts, Selected{Entry: e})
	}
	v := verification("catalog", "1.0", true, "1.0")
	v.Results = append(v.Results, verification("catalog", "1.0", true, "1.1").Results...)
	// 8 KiB free: the two records fit (a block each), catalog 1.0's version
	// record, written with them, does not.
	testdisk.Fill(t, disk, 8<<10)
	before, free := testdisk.Tree(t, disk), testdisk.Free(t, disk)

	err = s.Record(v, "main", pacts)
	requireUnchanged(t, err, "record verification", disk, before, free)
	if recs, _ := s.Verifications("catalog"); len(recs) != 0 {
		t.Errorf("%d verification records stored", len(recs))
	}
}

func TestRecordDeploymentOnAFullDiskChangesNothing(t *testing.T) {
	s, disk := storeOnDisk(t)
	testdisk.Fill(t, disk, 0)
	before, free := testdisk.Tree(t, disk), testdisk.Free(t, disk)

	_, err := s.RecordDeployment("gateway", "1.0", "production")
	requireUnchanged(t, err, "record deployment", disk, before, free)
}
