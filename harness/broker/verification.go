package broker

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/tandem-harness/tandem/harness/contract"
)

func (s *Server) verificationRoutes() {
	s.handle("POST /pacts/provider/{provider}/for-verification", false, s.forVerification)
	// The verifier GETs the resource before it POSTs the selectors.
	s.handle("GET /pacts/provider/{provider}/for-verification", false, s.forVerification)
	s.handle("GET /pacts/provider/{provider}/consumer/{consumer}/version/{version}", false, s.getPactByVersion)
	s.handle("GET /pacts/provider/{provider}/consumer/{consumer}/latest", false, s.getLatestPact)
	s.handle("GET /pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}", false, s.getPactBySHA)
	s.handle("GET /pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/metadata/{metadata}", false, s.getPactBySHA)
	s.handle("POST /pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/verification-results", true, s.publishResults)
	s.handle("POST /pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/metadata/{metadata}/verification-results", true, s.publishResults)
}

// entries returns the stored pacts between consumer and provider.
func (s *Server) entries(consumer, provider string) ([]contract.Entry, error) {
	all, err := s.store.List()
	if err != nil {
		return nil, err
	}
	var out []contract.Entry
	for _, e := range all {
		if e.Consumer == consumer && e.Provider == provider {
			out = append(out, e)
		}
	}
	return out, nil
}

// pactJSON is a stored pact with the broker's _links added.
func (s *Server) pactJSON(r *request, e contract.Entry) (map[string]any, error) {
	b, err := os.ReadFile(e.Path)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", e.Path, err)
	}
	shaURL := r.url("/pacts/provider/%s/consumer/%s/pact-version/%s", e.Provider, e.Consumer, e.SHA)
	doc["_links"] = map[string]any{
		"self":                            map[string]any{"href": r.url("/pacts/provider/%s/consumer/%s/version/%s", e.Provider, e.Consumer, e.Version.Version), "name": "Pact"},
		"pb:consumer":                     named(r.url("/pacticipants/%s", e.Consumer), e.Consumer),
		"pb:provider":                     named(r.url("/pacticipants/%s", e.Provider), e.Provider),
		"pb:consumer-version":             named(r.url("/pacticipants/%s/versions/%s", e.Consumer, e.Version.Version), e.Version.Version),
		"pb:pact-version":                 link(shaURL),
		"pb:publish-verification-results": map[string]any{"href": shaURL + "/verification-results", "title": "Publish verification results"},
	}
	doc["createdAt"] = ts(e.Version.PublishedAt)
	return doc, nil
}

func (s *Server) pactBody(r *request, consumer, provider, version string) (map[string]any, error) {
	es, err := s.entries(consumer, provider)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.Version.Version == version {
			return s.pactJSON(r, e)
		}
	}
	return nil, notFound("no pact between %s %s and %s", consumer, version, provider)
}

func (s *Server) getPactByVersion(r *request) (reply, error) {
	body, err := s.pactBody(r, r.PathValue("consumer"), r.PathValue("provider"), r.PathValue("version"))
	return reply{http.StatusOK, body}, err
}

func (s *Server) getLatestPact(r *request) (reply, error) {
	es, err := s.entries(r.PathValue("consumer"), r.PathValue("provider"))
	if err != nil {
		return reply{}, err
	}
	if len(es) == 0 {
		return reply{}, notFound("no pact between %s and %s", r.PathValue("consumer"), r.PathValue("provider"))
	}
	body, err := s.pactJSON(r, es[len(es)-1])
	return reply{http.StatusOK, body}, err
}

func (s *Server) getPactBySHA(r *request) (reply, error) {
	es, err := s.entries(r.PathValue("consumer"), r.PathValue("provider"))
	if err != nil {
		return reply{}, err
	}
	for _, e := range es {
		if e.SHA == r.PathValue("sha") {
			body, err := s.pactJSON(r, e)
			return reply{http.StatusOK, body}, err
		}
	}
	return reply{}, notFound("no pact between %s and %s with content %s", r.PathValue("consumer"), r.PathValue("provider"), r.PathValue("sha"))
}

// resultsRequest is what the Pact verifier publishes.
type resultsRequest struct {
	Success                    *bool           `json:"success"`
	ProviderApplicationVersion string          `json:"providerApplicationVersion"`
	BuildURL                   string          `json:"buildUrl"`
	TestResults                json.RawMessage `json:"testResults"`
	VerifiedBy                 map[string]any  `json:"verifiedBy"`
}

type testResult struct {
	InteractionID          string `json:"interactionId"`
	InteractionDescription string `json:"interactionDescription"`
	Description            string `json:"description"`
	Success                bool   `json:"success"`
	Mismatches             []struct {
		Attribute   string `json:"attribute"`
		Description string `json:"description"`
		Identifier  string `json:"identifier"`
	} `json:"mismatches"`
	Exceptions []struct {
		Message string `json:"message"`
	} `json:"exceptions"`
}

// publishResults records a verification of a pact's content by a provider
// version, for every consumer version that published that content (the
// broker verifies content, not publications).
func (s *Server) publishResults(r *request) (reply, error) {
	var req resultsRequest
	if err := r.decode(&req); err != nil {
		return reply{}, err
	}
	if req.Success == nil {
		return reply{}, badRequest("success is missing")
	}
	if req.ProviderApplicationVersion == "" {
		return reply{}, badRequest("providerApplicationVersion is missing: give the verifier --provider-version")
	}
	provider, consumer, sha := r.PathValue("provider"), r.PathValue("consumer"), r.PathValue("sha")
	es, err := s.entries(consumer, provider)
	if err != nil {
		return reply{}, err
	}
	var results []testResult
	if len(req.TestResults) > 0 {
		if err := json.Unmarshal(req.TestResults, &results); err != nil {
			return reply{}, badRequest("testResults: %v", err)
		}
	}
	var interactions []contract.InteractionRecord
	for _, t := range results {
		ir := contract.InteractionRecord{Description: firstOf(t.InteractionDescription, t.Description, t.InteractionID), Key: t.InteractionID, Passed: t.Success}
		for _, m := range t.Mismatches {
			// "$.path -> words", as the verifier writes it and redaction reads it.
			problem := strings.TrimSpace(m.Attribute + ": " + m.Description)
			if strings.HasPrefix(m.Identifier, "$") {
				problem = m.Identifier + " -> " + m.Description
			}
			ir.Problems = append(ir.Problems, problem)
		}
		for _, x := range t.Exceptions {
			ir.Problems = append(ir.Problems, x.Message)
		}
		interactions = append(interactions, ir)
	}
	pv, _, err := s.store.LookupVersion(provider, req.ProviderApplicationVersion)
	if err != nil {
		return reply{}, err
	}
	var saved []contract.VerificationRecord
	for _, e := range es {
		if e.SHA != sha {
			continue
		}
		rec := contract.VerificationRecord{
			Provider: provider, ProviderVersion: req.ProviderApplicationVersion, ProviderBranch: pv.Branch,
			Consumer: consumer, ConsumerVersion: e.Version.Version, PactSHA: sha, Success: *req.Success,
			Interactions: interactions,
		}
		if err := storeError(s.store.SaveVerification(rec)); err != nil {
			return reply{}, err
		}
		saved = append(saved, rec)
	}
	if len(saved) == 0 {
		return reply{}, notFound("no pact between %s and %s with content %s", consumer, provider, sha)
	}
	self := r.url("/pacts/provider/%s/consumer/%s/pact-version/%s/verification-results/latest", provider, consumer, sha)
	return reply{http.StatusCreated, map[string]any{
		"providerName":               provider,
		"providerApplicationVersion": req.ProviderApplicationVersion,
		"success":                    *req.Success,
		"_links": map[string]any{
			"self":            link(self),
			"pb:pact-version": link(r.url("/pacts/provider/%s/consumer/%s/pact-version/%s", provider, consumer, sha)),
		},
	}}, nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
