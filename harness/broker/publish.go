package broker

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tandem-harness/tandem/harness/contract"
)

func (s *Server) publishRoutes() {
	s.handle("POST /contracts/publish", true, s.publishContracts)
	s.handle("PUT /pacts/provider/{provider}/consumer/{consumer}/version/{version}", true, s.putPact)
}

// publishRequest is what `pact broker publish` sends (pact_broker's
// PublishContractsContract).
type publishRequest struct {
	PacticipantName          string   `json:"pacticipantName"`
	PacticipantVersionNumber string   `json:"pacticipantVersionNumber"`
	Branch                   string   `json:"branch"`
	Tags                     []string `json:"tags"`
	BuildURL                 string   `json:"buildUrl"`
	Contracts                []struct {
		ConsumerName  string `json:"consumerName"`
		ProviderName  string `json:"providerName"`
		Specification string `json:"specification"`
		ContentType   string `json:"contentType"`
		Content       string `json:"content"`
		OnConflict    string `json:"onConflict"`
	} `json:"contracts"`
}

func (s *Server) publishContracts(r *request) (reply, error) {
	var req publishRequest
	if err := r.decode(&req); err != nil {
		return reply{}, err
	}
	var problems []string
	if req.PacticipantName == "" {
		problems = append(problems, "pacticipantName is missing")
	}
	if req.PacticipantVersionNumber == "" {
		problems = append(problems, "pacticipantVersionNumber is missing")
	}
	if len(req.Contracts) == 0 {
		problems = append(problems, "contracts: none given")
	}
	var pacts []contract.NamedPact
	for i, c := range req.Contracts {
		where := fmt.Sprintf("contracts[%d]", i)
		switch {
		case c.Specification != "pact":
			problems = append(problems, fmt.Sprintf("%s: specification %q is not supported; tandem broker stores pacts only", where, c.Specification))
			continue
		case c.OnConflict == "merge":
			problems = append(problems, where+": onConflict merge is not supported; publish the whole pact (without --merge)")
			continue
		case c.ConsumerName != req.PacticipantName:
			problems = append(problems, fmt.Sprintf("%s: consumerName %q is not the pacticipantName %q", where, c.ConsumerName, req.PacticipantName))
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(c.Content)
		if err != nil {
			problems = append(problems, where+": content is not base64")
			continue
		}
		p, err := contract.ParsePact(raw)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", where, err))
			continue
		}
		if p.Consumer != c.ConsumerName || p.Provider != c.ProviderName {
			problems = append(problems, fmt.Sprintf("%s: the pact is between %s and %s, not %s and %s", where, p.Consumer, p.Provider, c.ConsumerName, c.ProviderName))
			continue
		}
		pacts = append(pacts, contract.NamedPact{Name: "the contract for " + c.ProviderName, Pact: p})
	}
	if len(problems) > 0 {
		return reply{}, &apiError{status: http.StatusBadRequest, msg: strings.Join(problems, "; "),
			body: map[string]any{"errors": map[string]any{"contracts": problems}}}
	}
	published, err := s.store.PublishPacts(req.PacticipantName, req.PacticipantVersionNumber,
		contract.PublishOptions{Branch: req.Branch, Tags: req.Tags}, pacts...)
	if errors.Is(err, contract.ErrConflict) {
		// The Pact Broker's words (pact_content_modification_not_allowed).
		var texts []string
		for _, c := range req.Contracts {
			texts = append(texts, fmt.Sprintf("Cannot change the content of the pact for %s version %s and provider %s, as race conditions will cause unreliable results for can-i-deploy. Each pact must be published with a unique consumer version number. For more information see https://docs.pact.io/go/versioning",
				req.PacticipantName, req.PacticipantVersionNumber, c.ProviderName))
		}
		var notices []any
		for _, t := range texts {
			notices = append(notices, map[string]any{"type": "error", "text": t})
		}
		return reply{}, &apiError{status: http.StatusConflict, msg: err.Error(),
			body: map[string]any{"notices": notices, "errors": map[string]any{"contracts": texts}}}
	}
	if err := storeError(err); err != nil {
		return reply{}, err
	}
	name, ver := req.PacticipantName, req.PacticipantVersionNumber
	var notices, contracts []any
	for _, p := range published {
		verb := "published"
		if p.Outcome == "unchanged" {
			verb = "republished with the same content"
		}
		notices = append(notices, map[string]any{"type": "success",
			"text": fmt.Sprintf("Pact %s for %s version %s and provider %s.", verb, name, ver, p.Provider)})
		contracts = append(contracts, map[string]any{"href": r.url("/pacts/provider/%s/consumer/%s/version/%s", p.Provider, name, ver),
			"name": fmt.Sprintf("Pact between %s (%s) and %s", name, ver, p.Provider), "title": "Pact"})
	}
	var tags []any
	for _, t := range req.Tags {
		tags = append(tags, map[string]any{"href": r.url("/pacticipants/%s/versions/%s/tags/%s", name, ver, t), "name": t, "title": "Tag"})
	}
	if tags == nil {
		tags = []any{}
	}
	var logs []any
	for _, n := range notices {
		logs = append(logs, map[string]any{"level": "info", "message": n.(map[string]any)["text"], "deprecationWarning": "Replaced by notices"})
	}
	return reply{http.StatusOK, map[string]any{
		"notices": notices,
		"logs":    logs,
		"_embedded": map[string]any{
			"pacticipant": map[string]any{"name": name, "_links": map[string]any{"self": link(r.url("/pacticipants/%s", name))}},
			"version": map[string]any{"number": ver, "_links": map[string]any{
				"self": map[string]any{"href": r.url("/pacticipants/%s/versions/%s", name, ver), "name": ver, "title": "Version"}}},
		},
		"_links": map[string]any{
			"pb:pacticipant":              map[string]any{"href": r.url("/pacticipants/%s", name), "name": name, "title": "Pacticipant"},
			"pb:pacticipant-version":      map[string]any{"href": r.url("/pacticipants/%s/versions/%s", name, ver), "name": ver, "title": "Pacticipant version"},
			"pb:pacticipant-version-tags": tags,
			"pb:contracts":                contracts,
		},
	}}, nil
}

// putPact is the older publication: PUT the pact at its URL.
func (s *Server) putPact(r *request) (reply, error) {
	consumer, provider, version := r.PathValue("consumer"), r.PathValue("provider"), r.PathValue("version")
	raw, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		return reply{}, err
	}
	p, err := contract.ParsePact(raw)
	if err != nil {
		return reply{}, badRequest("%v", err)
	}
	if p.Consumer != consumer || p.Provider != provider {
		return reply{}, badRequest("the pact is between %s and %s, but the URL names %s and %s", p.Consumer, p.Provider, consumer, provider)
	}
	published, err := s.store.PublishPacts(consumer, version, contract.PublishOptions{}, contract.NamedPact{Name: "the pact", Pact: p})
	if errors.Is(err, contract.ErrConflict) {
		return reply{}, &apiError{status: http.StatusConflict, msg: fmt.Sprintf(
			"Cannot change the content of the pact for %s version %s and provider %s, as race conditions will cause unreliable results for can-i-deploy. Each pact must be published with a unique consumer version number.",
			consumer, version, provider)}
	}
	if err := storeError(err); err != nil {
		return reply{}, err
	}
	status := http.StatusCreated
	if published[0].Outcome == "unchanged" {
		status = http.StatusOK
	}
	body, err := s.pactBody(r, consumer, provider, version)
	if err != nil {
		return reply{}, err
	}
	return reply{status, body}, nil
}
