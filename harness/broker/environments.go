package broker

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
)

func (s *Server) environmentRoutes() {
	s.handle("GET /environments", false, s.listEnvironments)
	s.handle("POST /environments", true, s.createEnvironment)
	s.handle("GET /environments/{uuid}", false, s.getEnvironment)
	s.handle("PUT /environments/{uuid}", true, s.updateEnvironment)
	s.handle("GET /environments/{uuid}/deployed-versions/currently-deployed", false, s.currentlyDeployed)
	s.handle("GET /environments/{uuid}/released-versions/currently-supported", false, s.currentlySupported)
	s.handle("POST /pacticipants/{pacticipant}/versions/{version}/deployed-versions/environment/{uuid}", true, s.recordDeployment)
	s.handle("POST /pacticipants/{pacticipant}/versions/{version}/released-versions/environment/{uuid}", true, s.recordRelease)
	s.handle("PATCH /deployed-versions/{id}", true, s.patchDeployed)
	s.handle("PATCH /released-versions/{id}", true, s.patchReleased)
}

func (s *Server) environmentBody(r *request, e contract.Environment) map[string]any {
	self := r.url("/environments/%s", e.UUID)
	display := e.DisplayName
	if display == "" {
		display = e.Name
	}
	return map[string]any{
		"uuid": e.UUID, "name": e.Name, "displayName": display, "production": e.Production, "createdAt": ts(e.CreatedAt),
		"_links": map[string]any{
			"self": named(self, e.Name),
			"pb:currently-deployed-deployed-versions":  link(self + "/deployed-versions/currently-deployed"),
			"pb:currently-supported-released-versions": link(self + "/released-versions/currently-supported"),
			"pb:environments":                          link(r.url("/environments")),
		},
	}
}

func (s *Server) findEnvironment(r *request) (contract.Environment, error) {
	e, ok, err := s.store.FindEnvironment(r.PathValue("uuid"))
	if err != nil {
		return e, err
	}
	if !ok {
		return e, notFound("no environment %s: create it with pact broker create-environment --name NAME", r.PathValue("uuid"))
	}
	return e, nil
}

func (s *Server) listEnvironments(r *request) (reply, error) {
	all, err := s.store.EnvironmentList()
	if err != nil {
		return reply{}, err
	}
	name := r.URL.Query().Get("name")
	items := []any{}
	for _, e := range all {
		if name == "" || e.Name == name {
			items = append(items, s.environmentBody(r, e))
		}
	}
	return reply{http.StatusOK, map[string]any{
		"_embedded": map[string]any{"environments": items},
		"_links":    map[string]any{"self": link(r.url("/environments"))},
	}}, nil
}

type environmentRequest struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Production  bool   `json:"production"`
	Contacts    []any  `json:"contacts"`
}

func (s *Server) saveEnvironment(r *request, req environmentRequest, create bool) (reply, error) {
	if len(req.Contacts) > 0 {
		return reply{}, badRequest("contacts are not stored by tandem broker; create the environment without --contact-name/--contact-email-address")
	}
	if req.Name == "" {
		return reply{}, badRequest("name is missing")
	}
	_, existed, err := s.store.FindEnvironment(req.Name)
	if err != nil {
		return reply{}, err
	}
	if create && existed {
		return reply{}, &apiError{status: http.StatusConflict, msg: "an environment named " + req.Name + " already exists; update it with pact broker update-environment"}
	}
	e, err := s.store.SaveEnvironment(contract.Environment{Name: req.Name, DisplayName: req.DisplayName, Production: req.Production})
	if err := storeError(err); err != nil {
		return reply{}, err
	}
	status := http.StatusOK
	if create {
		status = http.StatusCreated
	}
	return reply{status, s.environmentBody(r, e)}, nil
}

func (s *Server) createEnvironment(r *request) (reply, error) {
	var req environmentRequest
	if err := r.decode(&req); err != nil {
		return reply{}, err
	}
	return s.saveEnvironment(r, req, true)
}

func (s *Server) updateEnvironment(r *request) (reply, error) {
	e, err := s.findEnvironment(r)
	if err != nil {
		return reply{}, err
	}
	var req environmentRequest
	if err := r.decode(&req); err != nil {
		return reply{}, err
	}
	if req.Name != "" && req.Name != e.Name {
		return reply{}, badRequest("renaming environment %s to %s is not supported", e.Name, req.Name)
	}
	req.Name = e.Name
	return s.saveEnvironment(r, req, false)
}

func (s *Server) getEnvironment(r *request) (reply, error) {
	e, err := s.findEnvironment(r)
	if err != nil {
		return reply{}, err
	}
	return reply{http.StatusOK, s.environmentBody(r, e)}, nil
}

func (s *Server) deployedBody(r *request, env contract.Environment, d contract.Deployment) map[string]any {
	return map[string]any{
		"uuid": d.ID(env.Name), "currentlyDeployed": d.UndeployedAt == nil,
		"applicationInstance": nil, "target": nil,
		"createdAt": ts(d.DeployedAt), "undeployedAt": tsPtr(d.UndeployedAt),
		"_embedded": map[string]any{
			"pacticipant": map[string]any{"name": d.Pacticipant},
			"version":     map[string]any{"number": d.Version},
			"environment": map[string]any{"name": env.Name, "uuid": env.UUID},
		},
		"_links": map[string]any{"self": link(r.url("/deployed-versions/%s", d.ID(env.Name)))},
	}
}

func releaseID(env string, rel contract.Release) string {
	sum := sha256.Sum256([]byte(env + "\x00" + rel.Pacticipant + "\x00" + rel.Version + "\x00" + rel.ReleasedAt.Format(time.RFC3339Nano)))
	return hex.EncodeToString(sum[:12])
}

func (s *Server) releasedBody(r *request, env contract.Environment, rel contract.Release) map[string]any {
	return map[string]any{
		"uuid": releaseID(env.Name, rel), "currentlySupported": rel.SupportEndedAt == nil,
		"createdAt": ts(rel.ReleasedAt), "supportEndedAt": tsPtr(rel.SupportEndedAt),
		"_embedded": map[string]any{
			"pacticipant": map[string]any{"name": rel.Pacticipant},
			"version":     map[string]any{"number": rel.Version},
			"environment": map[string]any{"name": env.Name, "uuid": env.UUID},
		},
		"_links": map[string]any{"self": link(r.url("/released-versions/%s", releaseID(env.Name, rel)))},
	}
}

func tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func (s *Server) currentlyDeployed(r *request) (reply, error) {
	env, err := s.findEnvironment(r)
	if err != nil {
		return reply{}, err
	}
	ds, err := s.store.Deployments(env.Name)
	if err != nil {
		return reply{}, err
	}
	want := r.URL.Query().Get("pacticipant")
	items := []any{}
	for _, d := range ds {
		if d.UndeployedAt == nil && (want == "" || d.Pacticipant == want) {
			items = append(items, s.deployedBody(r, env, d))
		}
	}
	return reply{http.StatusOK, map[string]any{
		"_embedded": map[string]any{"deployedVersions": items},
		"_links":    map[string]any{"self": link(r.url("/environments/%s/deployed-versions/currently-deployed", env.UUID))},
	}}, nil
}

func (s *Server) currentlySupported(r *request) (reply, error) {
	env, err := s.findEnvironment(r)
	if err != nil {
		return reply{}, err
	}
	rels, err := s.store.Releases(env.Name)
	if err != nil {
		return reply{}, err
	}
	want := r.URL.Query().Get("pacticipant")
	items := []any{}
	for _, rel := range rels {
		if rel.SupportEndedAt == nil && (want == "" || rel.Pacticipant == want) {
			items = append(items, s.releasedBody(r, env, rel))
		}
	}
	return reply{http.StatusOK, map[string]any{
		"_embedded": map[string]any{"releasedVersions": items},
		"_links":    map[string]any{"self": link(r.url("/environments/%s/released-versions/currently-supported", env.UUID))},
	}}, nil
}

func (s *Server) recordDeployment(r *request) (reply, error) {
	env, err := s.findEnvironment(r)
	if err != nil {
		return reply{}, err
	}
	var req struct {
		ApplicationInstance string `json:"applicationInstance"`
		Target              string `json:"target"`
	}
	if err := r.decode(&req); err != nil {
		return reply{}, err
	}
	if req.ApplicationInstance != "" || req.Target != "" {
		return reply{}, badRequest("application instances are not supported by tandem broker: one version of a pacticipant runs in an environment; record the deployment without --application-instance")
	}
	if _, err := s.version(r); err != nil {
		return reply{}, err
	}
	d, err := s.store.RecordDeployment(r.PathValue("pacticipant"), r.PathValue("version"), env.Name)
	if err := storeError(err); err != nil {
		return reply{}, err
	}
	return reply{http.StatusCreated, s.deployedBody(r, env, d)}, nil
}

func (s *Server) recordRelease(r *request) (reply, error) {
	env, err := s.findEnvironment(r)
	if err != nil {
		return reply{}, err
	}
	if _, err := s.version(r); err != nil {
		return reply{}, err
	}
	rel, err := s.store.RecordRelease(r.PathValue("pacticipant"), r.PathValue("version"), env.Name)
	if err := storeError(err); err != nil {
		return reply{}, err
	}
	return reply{http.StatusCreated, s.releasedBody(r, env, rel)}, nil
}

func (s *Server) patchDeployed(r *request) (reply, error) {
	var req struct {
		CurrentlyDeployed *bool `json:"currentlyDeployed"`
	}
	if err := r.decode(&req); err != nil {
		return reply{}, err
	}
	if req.CurrentlyDeployed == nil || *req.CurrentlyDeployed {
		return reply{}, badRequest("send {\"currentlyDeployed\": false} to record an undeployment; nothing else can change")
	}
	envs, err := s.store.EnvironmentList()
	if err != nil {
		return reply{}, err
	}
	for _, env := range envs {
		d, err := s.store.RecordUndeployment(env.Name, r.PathValue("id"))
		if errors.Is(err, contract.ErrNoSuchDeployment) {
			continue
		}
		if err != nil {
			return reply{}, err
		}
		return reply{http.StatusOK, s.deployedBody(r, env, d)}, nil
	}
	return reply{}, notFound("no deployed version %s", r.PathValue("id"))
}

func (s *Server) patchReleased(r *request) (reply, error) {
	var req struct {
		CurrentlySupported *bool `json:"currentlySupported"`
	}
	if err := r.decode(&req); err != nil {
		return reply{}, err
	}
	if req.CurrentlySupported == nil || *req.CurrentlySupported {
		return reply{}, badRequest("send {\"currentlySupported\": false} to record the end of support; nothing else can change")
	}
	envs, err := s.store.EnvironmentList()
	if err != nil {
		return reply{}, err
	}
	for _, env := range envs {
		rels, err := s.store.Releases(env.Name)
		if err != nil {
			return reply{}, err
		}
		for _, rel := range rels {
			if releaseID(env.Name, rel) != r.PathValue("id") {
				continue
			}
			if _, err := s.store.RecordSupportEnded(rel.Pacticipant, rel.Version, env.Name); err != nil {
				return reply{}, err
			}
			now := time.Now().UTC()
			if rel.SupportEndedAt == nil {
				rel.SupportEndedAt = &now
			}
			return reply{http.StatusOK, s.releasedBody(r, env, rel)}, nil
		}
	}
	return reply{}, notFound("no released version %s", r.PathValue("id"))
}
