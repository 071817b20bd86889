package broker_test

import (
	"net/http"
	"strings"
	"testing"
)

// Results published to the broker pass through the store's redaction, as
// `tandem contracts verify`'s do: a quoted secret never reaches a record.
func TestPublishedResultsAreRedacted(t *testing.T) {
	b := startBroker(t, defaultAuth())
	b.mustPact(t, "broker", "publish", testdata("web-api.json"), "--consumer-app-version", "1.0", "--branch", "main")
	sha := entrySHA(t, b.Store, "web", "1.0")
	body := `{"success": false, "providerApplicationVersion": "api-1", "testResults": [{"interactionId": "k1", "success": false, "mismatches": [
		{"attribute": "body", "identifier": "$.user.password", "description": "Expected 'hunter2-expected' (String) to be equal to 'hunter2-actual' (String)"},
		{"attribute": "header", "description": "Expected header 'Authorization' to have value 'Bearer sk-live-123' but was 'Bearer sk-live-456'"}]}]}`
	req, _ := http.NewRequest(http.MethodPost, b.URL+"/pacts/provider/api/consumer/web/pact-version/"+sha+"/verification-results", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+writeToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish results: %d", resp.StatusCode)
	}
	recs, err := b.Store.Verifications("api")
	if err != nil || len(recs) != 1 || recs[0].Success || len(recs[0].Interactions) != 1 || len(recs[0].Interactions[0].Problems) != 2 {
		t.Fatalf("records %+v (%v), want one failure with two problems", recs, err)
	}
	for p, content := range snapshot(t, b.Store.Dir) {
		for _, secret := range []string{"hunter2", "sk-live"} {
			if strings.Contains(content, secret) {
				t.Errorf("%s holds %q:\n%s", p, secret, content)
			}
		}
	}
}
