package broker_test

import (
	"bytes"
	"net/http"
	"os"
	"strings"
	"testing"
)

func TestPublishChangedPactIsRefusedWith409AndIdenticalIsAccepted(t *testing.T) {
	b := startBroker(t, defaultAuth())
	b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "1.0", "--branch", "main")
	before := snapshot(t, b.Store.Dir)

	out, code := b.pact(t, "broker", "publish", testdata("web-api-v2.json"), "--consumer-app-version", "1.0", "--branch", "main")
	if code == 0 || !strings.Contains(out, "Cannot change the content of the pact for web version 1.0 and provider api") {
		t.Fatalf("publishing a changed pact under a published version: exit %d, want the broker's refusal:\n%s", code, out)
	}
	if !strings.Contains(b.Log.String(), "status=409") {
		t.Errorf("the refusal was not a 409:\n%s", b.Log)
	}
	if diff := changes(before, snapshot(t, b.Store.Dir)); diff != "" {
		t.Errorf("the refused publication changed the store:\n%s", diff)
	}

	b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "1.0", "--branch", "main")
	if diff := changes(before, snapshot(t, b.Store.Dir)); diff != "" {
		t.Errorf("republishing the same pact changed the store:\n%s", diff)
	}
	// The folder commands see what the broker stored.
	entries, err := b.Store.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Consumer != "web" || entries[0].Version.Branch != "main" {
		t.Errorf("store lists %+v, want web 1.0 on main", entries)
	}
}

// TestPutPact is the older publication, a PUT of the pact to its URL.
func TestPutPact(t *testing.T) {
	b := startBroker(t, defaultAuth())
	put := func(file string) int {
		body, err := os.ReadFile(testdata(file))
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPut, b.URL+"/pacts/provider/api/consumer/web/version/1.0", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+writeToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		file string
		want int
	}{{"web-api.json", 201}, {"web-api.json", 200}, {"web-api-v2.json", 409}} {
		if got := put(tc.file); got != tc.want {
			t.Errorf("PUT %s: %d, want %d", tc.file, got, tc.want)
		}
	}
	out := b.mustPact(t, "broker", "describe-version", "--pacticipant", "web", "--version", "1.0")
	if !strings.Contains(out, "1.0") {
		t.Errorf("describe-version after PUT:\n%s", out)
	}
}
