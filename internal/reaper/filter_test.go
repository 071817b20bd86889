package reaper

import (
	"strings"
	"testing"
)

func TestParseFilter(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    string
		wantErr string
	}{
		{"what testcontainers sends",
			"label=org.testcontainers.sessionId=abc&label=org.testcontainers=true&label=org.testcontainers.reap=true\n",
			"label=org.testcontainers.reap=true&label=org.testcontainers.sessionId=abc&label=org.testcontainers=true", ""},
		{"a label without a value", "label=dev.tandem.run", "label=dev.tandem.run", ""},
		{"escaped characters", "label=a%3Db%26c=1", "label=a=b&c=1", ""},
		{"duplicates collapse", "label=a=1&label=a=1", "label=a=1", ""},
		{"empty", "\n", "", "empty filter"},
		{"no label", "name=reaper", "", "only label= filters"},
		{"label without key", "label==x", "", "needs a key"},
		{"empty label", "label=", "", "needs a key"},
		{"bad escape", "label=%zz", "", "not a URL query"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFilter(tc.line)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseFilter(%q) = %v, %v; want an error with %q", tc.line, f, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.String(); got != tc.want {
				t.Errorf("ParseFilter(%q) = %s, want %s", tc.line, got, tc.want)
			}
		})
	}
}
