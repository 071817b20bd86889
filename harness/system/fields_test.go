package system

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

var update = flag.Bool("update", false, "rewrite the README's table of Compose fields from ComposeFields")

// Every field of compose-go's service type has a status, and every status
// names a field that exists: a field added upstream fails here until it is
// honoured, refused or ignored on purpose.
func TestEveryComposeFieldHasAStatus(t *testing.T) {
	var seen []string
	walkFields(reflect.TypeFor[types.ServiceConfig](), reflect.Value{}, "", func(name string, _ reflect.Value) {
		seen = append(seen, name)
		if _, ok := ComposeFields[name]; !ok {
			t.Errorf("Compose service field %q has no status in ComposeFields (harness/system/fields.go): honour it, refuse it or ignore it with a reason, and run go test ./harness/system -run TestTheREADME -update", name)
		}
	})
	if len(seen) < 100 {
		t.Fatalf("the walk found %d fields, want the 100+ of compose-go's ServiceConfig", len(seen))
	}
	for name, f := range ComposeFields {
		if !slices.Contains(seen, name) {
			t.Errorf("ComposeFields lists %q, which compose-go's ServiceConfig does not have", name)
		}
		if f.Support != Honoured && f.Note == "" {
			t.Errorf("%s is %s without a reason: say why and what to do instead", name, f.Support)
		}
	}
}

const (
	tableBegin = "<!-- compose-fields:begin (generated from harness/system/fields.go; go test ./harness/system -run TestTheREADME -update) -->"
	tableEnd   = "<!-- compose-fields:end -->"
)

// The README's table of Compose fields is ComposeFields, row for row.
func TestTheREADMEListsEveryComposeField(t *testing.T) {
	const path = "../../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	before, rest, ok := strings.Cut(readme, tableBegin+"\n")
	if !ok {
		t.Fatalf("README.md has no line %q", tableBegin)
	}
	table, after, ok := strings.Cut(rest, tableEnd)
	if !ok {
		t.Fatalf("README.md has no line %q after the table", tableEnd)
	}
	want := composeFieldsTable()
	if *update {
		if err := os.WriteFile(path, []byte(before+tableBegin+"\n"+want+tableEnd+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if table != want {
		t.Errorf("README.md's table of Compose fields differs from ComposeFields; run go test ./harness/system -run TestTheREADME -update\nwant:\n%s\ngot:\n%s", want, table)
	}
}

func composeFieldsTable() string {
	names := make([]string, 0, len(ComposeFields))
	for n := range ComposeFields {
		names = append(names, n)
	}
	slices.Sort(names)
	var sb strings.Builder
	sb.WriteString("| Field | Status | Why, and what to do instead |\n|---|---|---|\n")
	for _, n := range names {
		f := ComposeFields[n]
		fmt.Fprintf(&sb, "| `%s` | %s | %s |\n", n, f.Support, strings.ReplaceAll(f.Note, "|", `\|`))
	}
	return sb.String()
}
