package atomicfile_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tandem-harness/tandem/internal/atomicfile"
)

func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "out", "summary.json")
	if err := atomicfile.Write(path, []byte(`{"passed": true}`)); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(path)
	fmt.Println(string(b))
	// Output: {"passed": true}
}

func ExampleBatch() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	var b atomicfile.Batch
	b.Add(filepath.Join(dir, "diff.json"), []byte("{}"))
	b.Add(filepath.Join(dir, "diff.md"), []byte("# No differences"))
	// Both files, or, when one cannot be written, neither.
	if err := b.Commit(); err != nil {
		fmt.Println(err)
		return
	}
	names, _ := filepath.Glob(filepath.Join(dir, "diff.*"))
	for _, n := range names {
		fmt.Println(filepath.Base(n))
	}
	// Output:
	// diff.json
	// diff.md
}
