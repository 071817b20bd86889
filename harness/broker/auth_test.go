package broker_test

import (
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/broker"
)

// snapshot is every file under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func changes(before, after map[string]string) string {
	var out []string
	for p, a := range after {
		if b, ok := before[p]; !ok {
			out = append(out, "added "+p)
		} else if a != b {
			out = append(out, "changed "+p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			out = append(out, "removed "+p)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func basic(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}

func TestAuthentication(t *testing.T) {
	auth := defaultAuth()
	auth.Basic = []string{"ci:s3cret-pw"}
	b := startBroker(t, auth)
	b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "1.0", "--branch", "main")
	publish := []string{"broker", "publish", testdata("web-api.json"), "--consumer-app-version", "2.0", "--branch", "main"}
	read := []string{"broker", "list-pacticipants"}

	tests := []struct {
		name       string
		credential string // the client's environment
		args       []string
		wantCode   int    // 0 or not
		wantStatus string // in the broker's log
	}{
		{"no credentials may not read", "", read, 1, "status=401"},
		{"no credentials may not publish", "", publish, 1, "status=401"},
		{"a wrong token may not read", "PACT_BROKER_TOKEN=not-the-token", read, 1, "status=401"},
		{"a wrong token may not publish", "PACT_BROKER_TOKEN=not-the-token", publish, 1, "status=401"},
		{"a wrong password may not publish", "PACT_BROKER_USERNAME=ci\x00PACT_BROKER_PASSWORD=wrong", publish, 1, "status=401"},
		{"the read-only token reads", "PACT_BROKER_TOKEN=" + readToken, read, 0, "status=200"},
		{"the read-only token may not publish", "PACT_BROKER_TOKEN=" + readToken, publish, 1, "status=403"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, b.Store.Dir)
			logBefore := len(b.Log.String())
			out, code := b.pactWith(t, strings.Split(tc.credential, "\x00"), tc.args...)
			if (code == 0) != (tc.wantCode == 0) {
				t.Fatalf("exit %d, want %s:\n%s", code, map[bool]string{true: "0", false: "non-zero"}[tc.wantCode == 0], out)
			}
			if log := b.Log.String()[logBefore:]; !strings.Contains(log, tc.wantStatus) {
				t.Errorf("the broker answered no %s:\n%s", tc.wantStatus, log)
			}
			if diff := changes(before, snapshot(t, b.Store.Dir)); diff != "" {
				t.Errorf("the store changed:\n%s", diff)
			}
		})
	}
	t.Run("a basic auth user publishes", func(t *testing.T) {
		b.mustPactWith(t, []string{"PACT_BROKER_USERNAME=ci", "PACT_BROKER_PASSWORD=s3cret-pw"}, publish...)
		if _, ok, _ := b.Store.LookupVersion("web", "2.0"); !ok {
			t.Error("web 2.0 is not in the store")
		}
	})
	// No credential reaches the log or the store.
	files := snapshot(t, b.Store.Dir)
	for _, secret := range []string{writeToken, readToken, "s3cret-pw", basic("ci", "s3cret-pw"), "not-the-token"} {
		if strings.Contains(b.Log.String(), secret) {
			t.Errorf("the log holds a credential %q", secret)
		}
		for p, content := range files {
			if strings.Contains(content, secret) {
				t.Errorf("%s holds a credential", p)
			}
		}
	}
}

func TestPublicRead(t *testing.T) {
	auth := defaultAuth()
	auth.PublicRead = true
	b := startBroker(t, auth)
	b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "1.0", "--branch", "main")
	if out, code := b.pactWith(t, nil, "broker", "describe-version", "--pacticipant", "web", "--version", "1.0"); code != 0 {
		t.Errorf("anonymous read with --allow-public-read: exit %d:\n%s", code, out)
	}
	before := snapshot(t, b.Store.Dir)
	if out, code := b.pactWith(t, nil, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "2.0"); code == 0 {
		t.Errorf("anonymous publish: exit 0:\n%s", out)
	}
	if diff := changes(before, snapshot(t, b.Store.Dir)); diff != "" {
		t.Errorf("an anonymous publish changed the store:\n%s", diff)
	}
}

func TestAuthNeedsAWriteCredential(t *testing.T) {
	for _, tc := range []struct {
		name string
		auth broker.Auth
		want string
	}{
		{"none", broker.Auth{PublicRead: true}, "no write credential"},
		{"read equals write", broker.Auth{WriteToken: "x", ReadToken: "x"}, "equals the write token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := broker.New(nil, tc.auth)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
