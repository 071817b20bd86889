package contract_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
)

// messageProvider produces the messages of the notifications → orders pact
// through a messages endpoint (x-tandem.messages); answer decides the reply to
// each request for a message, from the message the pact shows.
func messageProvider(t *testing.T, answer func(w http.ResponseWriter, example json.RawMessage)) *httptest.Server {
	t.Helper()
	b, err := os.ReadFile("testdata/notifications-orders-messages.json")
	if err != nil {
		t.Fatal(err)
	}
	var pact struct {
		Interactions []struct {
			Description string
			Contents    struct{ Content json.RawMessage }
			Metadata    json.RawMessage
		}
	}
	if err := json.Unmarshal(b, &pact); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_tandem/messages", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Description string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, in := range pact.Interactions {
			if in.Description == req.Description {
				w.Header().Set("Pact-Message-Metadata", base64.StdEncoding.EncodeToString(in.Metadata))
				answer(w, in.Contents.Content)
				return
			}
		}
		http.Error(w, "no such message: "+req.Description, http.StatusNotFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func verifyMessages(t *testing.T, srv *httptest.Server) *contract.Verification {
	t.Helper()
	store, err := contract.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Publish("notifications", "1.0", contract.PublishOptions{Branch: "main"}, "testdata/notifications-orders-messages.json"); err != nil {
		t.Fatal(err)
	}
	pacts, err := store.Select("orders", nil, time.Time{})
	if err != nil || len(pacts) != 1 {
		t.Fatalf("select: %v, %d pacts", err, len(pacts))
	}
	pacts[0].Pending = false
	v, err := contract.Verify(t.Context(), contract.VerifyRequest{
		Provider: "orders", ProviderVersion: "test", BaseURL: srv.URL, MessagesURL: srv.URL + "/_tandem/messages", Pacts: pacts,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Results) != 1 {
		t.Fatalf("%d results, want 1", len(v.Results))
	}
	return v
}

// A message provider that sends what the pact shows passes; one that sends a
// message without the fields the consumer reads, or fails to produce one,
// fails the verification.
func TestBrokenMessageProviderFailsVerification(t *testing.T) {
	good := verifyMessages(t, messageProvider(t, func(w http.ResponseWriter, example json.RawMessage) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(example)
	}))
	if !good.Passed() {
		t.Fatalf("the pact's own message failed: %s", good.Results[0].Explain())
	}
	for name, answer := range map[string]func(http.ResponseWriter, json.RawMessage){
		"fields missing": func(w http.ResponseWriter, _ json.RawMessage) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"type":"order.confirmed"}`))
		},
		"no message": func(w http.ResponseWriter, _ json.RawMessage) {
			http.Error(w, "the relay is down", http.StatusInternalServerError)
		},
	} {
		t.Run(name, func(t *testing.T) {
			v := verifyMessages(t, messageProvider(t, answer))
			r := v.Results[0]
			if v.Passed() || r.Passed {
				t.Fatalf("a broken message provider passed: %s", r.Explain())
			}
			if r.Problem == "" && len(r.Mismatches) == 0 {
				t.Errorf("the failure says nothing of why: %s", r.Explain())
			}
		})
	}
}
