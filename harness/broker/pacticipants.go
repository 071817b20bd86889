package broker

import (
	"net/http"
	"slices"

	"github.com/tandem-harness/tandem/harness/contract"
)

func (s *Server) pacticipantRoutes() {
	s.handle("GET /pacticipants", false, s.listPacticipants)
	s.handle("POST /pacticipants", true, s.createPacticipant)
	s.handle("GET /pacticipants/{pacticipant}", false, s.getPacticipant)
	s.handle("PATCH /pacticipants/{pacticipant}", true, s.updatePacticipant)
	s.handle("PUT /pacticipants/{pacticipant}", true, s.updatePacticipant)
	s.handle("GET /pacticipants/{pacticipant}/versions", false, s.listVersions)
	s.handle("GET /pacticipants/{pacticipant}/versions/{version}", false, s.getVersion)
	s.handle("PUT /pacticipants/{pacticipant}/versions/{version}", true, s.putVersion)
	s.handle("PUT /pacticipants/{pacticipant}/versions/{version}/tags/{tag}", true, s.putTag)
	s.handle("PUT /pacticipants/{pacticipant}/branches/{branch}/versions/{version}", true, s.putBranchVersion)
	s.handle("GET /pacticipants/{pacticipant}/latest-version", false, s.latestVersion)
	s.handle("GET /pacticipants/{pacticipant}/latest-version/{tag}", false, s.latestVersion)
	s.handle("GET /pacticipants/{pacticipant}/branches/{branch}/latest-version", false, s.latestVersion)
}

func (s *Server) pacticipantBody(r *request, p contract.Pacticipant) map[string]any {
	n := p.Name
	body := map[string]any{
		"name":        n,
		"displayName": n,
		"_links": map[string]any{
			"self":              link(r.url("/pacticipants/%s", n)),
			"pb:versions":       link(r.url("/pacticipants/%s/versions", n)),
			"pb:version":        templated(r.url("/pacticipants/%s", n) + "/versions/{version}"),
			"pb:latest-version": link(r.url("/pacticipants/%s/latest-version", n)),
			"pb:version-tag":    templated(r.url("/pacticipants/%s", n) + "/versions/{version}/tags/{tag}"),
			"pb:branch-version": templated(r.url("/pacticipants/%s", n) + "/branches/{branch}/versions/{version}"),
		},
	}
	// The branch the mainBranch selector picks: the one set, else the default.
	body["mainBranch"] = p.MainBranch
	if p.MainBranch == "" {
		body["mainBranch"] = contract.DefaultMainBranch
	}
	return body
}

func (s *Server) findPacticipant(name string) (contract.Pacticipant, bool, error) {
	all, err := s.store.Pacticipants()
	if err != nil {
		return contract.Pacticipant{}, false, err
	}
	for _, p := range all {
		if p.Name == name {
			return p, true, nil
		}
	}
	return contract.Pacticipant{}, false, nil
}

func (s *Server) listPacticipants(r *request) (reply, error) {
	all, err := s.store.Pacticipants()
	if err != nil {
		return reply{}, err
	}
	items := []any{}
	for _, p := range all {
		items = append(items, s.pacticipantBody(r, p))
	}
	return reply{http.StatusOK, map[string]any{
		"pacticipants": items, // as the broker's collection decorator, for older clients
		"_embedded":    map[string]any{"pacticipants": items},
		"_links":       map[string]any{"self": link(r.url("/pacticipants"))},
	}}, nil
}

func (s *Server) getPacticipant(r *request) (reply, error) {
	p, ok, err := s.findPacticipant(r.PathValue("pacticipant"))
	if err != nil {
		return reply{}, err
	}
	if !ok {
		return reply{}, notFound("no pacticipant %s: publish its pacts, or create it with pact broker create-or-update-pacticipant", r.PathValue("pacticipant"))
	}
	return reply{http.StatusOK, s.pacticipantBody(r, p)}, nil
}

// pacticipantRequest is what create-or-update-pacticipant sends.
type pacticipantRequest struct {
	Name          string `json:"name"`
	MainBranch    string `json:"mainBranch"`
	DisplayName   string `json:"displayName"`
	RepositoryURL string `json:"repositoryUrl"`
}

func (s *Server) savePacticipant(r *request, name string, req pacticipantRequest) (reply, error) {
	if req.DisplayName != "" || req.RepositoryURL != "" {
		return reply{}, badRequest("displayName and repositoryUrl are not stored by tandem broker; send name and mainBranch only")
	}
	_, existed, err := s.findPacticipant(name)
	if err != nil {
		return reply{}, err
	}
	if req.MainBranch != "" {
		if err := storeError(s.store.SetMainBranch(name, req.MainBranch)); err != nil {
			return reply{}, err
		}
	} else if !existed {
		// A pacticipant with nothing but a name: give it its record.
		if err := storeError(s.store.SetMainBranch(name, contract.DefaultMainBranch)); err != nil {
			return reply{}, err
		}
	}
	p, _, err := s.findPacticipant(name)
	if err != nil {
		return reply{}, err
	}
	status := http.StatusOK
	if !existed {
		status = http.StatusCreated
	}
	return reply{status, s.pacticipantBody(r, p)}, nil
}

func (s *Server) createPacticipant(r *request) (reply, error) {
	var req pacticipantRequest
	if err := r.decode(&req); err != nil {
		return reply{}, err
	}
	if req.Name == "" {
		return reply{}, badRequest("name is missing")
	}
	return s.savePacticipant(r, req.Name, req)
}

func (s *Server) updatePacticipant(r *request) (reply, error) {
	var req pacticipantRequest
	if err := r.decode(&req); err != nil {
		return reply{}, err
	}
	name := r.PathValue("pacticipant")
	if req.Name != "" && req.Name != name {
		return reply{}, badRequest("name %q differs from the pacticipant in the URL, %q; renaming is not supported", req.Name, name)
	}
	return s.savePacticipant(r, name, req)
}

func (s *Server) versionBody(r *request, v contract.Version) (map[string]any, error) {
	p, n := v.Pacticipant, v.Version
	tags := []any{}
	for _, t := range v.Tags {
		tags = append(tags, map[string]any{"name": t, "_links": map[string]any{"self": link(r.url("/pacticipants/%s/versions/%s/tags/%s", p, n, t))}})
	}
	branches := []any{}
	if v.Branch != "" {
		branches = append(branches, map[string]any{"name": v.Branch, "latest": s.isLatestOnBranch(v),
			"_links": map[string]any{"self": link(r.url("/pacticipants/%s/branches/%s/versions/%s", p, v.Branch, n))}})
	}
	envs, err := s.store.EnvironmentList()
	if err != nil {
		return nil, err
	}
	var deploy, release []any
	for _, e := range envs {
		deploy = append(deploy, map[string]any{"name": e.Name, "title": "Record deployment to " + e.Name,
			"href": r.url("/pacticipants/%s/versions/%s/deployed-versions/environment/%s", p, n, e.UUID)})
		release = append(release, map[string]any{"name": e.Name, "title": "Record release to " + e.Name,
			"href": r.url("/pacticipants/%s/versions/%s/released-versions/environment/%s", p, n, e.UUID)})
	}
	body := map[string]any{
		"number":         n,
		"createdAt":      ts(v.PublishedAt),
		"branchVersions": branches,
		"_embedded":      map[string]any{"tags": tags, "branchVersions": branches},
		"_links": map[string]any{
			"self":                 map[string]any{"href": r.url("/pacticipants/%s/versions/%s", p, n), "name": n, "title": "Version"},
			"pb:pacticipant":       map[string]any{"href": r.url("/pacticipants/%s", p), "name": p, "title": "Pacticipant"},
			"pb:tag":               templated(r.url("/pacticipants/%s/versions/%s", p, n) + "/tags/{tag}"),
			"pb:record-deployment": deploy,
			"pb:record-release":    release,
		},
	}
	if v.Branch != "" {
		body["branch"] = v.Branch
	}
	return body, nil
}

func (s *Server) isLatestOnBranch(v contract.Version) bool {
	vs, err := s.store.Versions(v.Pacticipant)
	if err != nil {
		return false
	}
	latest := ""
	for _, o := range vs {
		if o.Branch == v.Branch {
			latest = o.Version
		}
	}
	return latest == v.Version
}

func (s *Server) version(r *request) (contract.Version, error) {
	p, n := r.PathValue("pacticipant"), r.PathValue("version")
	v, ok, err := s.store.LookupVersion(p, n)
	if err != nil {
		return v, err
	}
	if !ok {
		return v, notFound("no version %s of %s: publish its pacts or verification results first", n, p)
	}
	return v, nil
}

func (s *Server) getVersion(r *request) (reply, error) {
	v, err := s.version(r)
	if err != nil {
		return reply{}, err
	}
	body, err := s.versionBody(r, v)
	return reply{http.StatusOK, body}, err
}

func (s *Server) listVersions(r *request) (reply, error) {
	vs, err := s.store.Versions(r.PathValue("pacticipant"))
	if err != nil {
		return reply{}, err
	}
	items := []any{}
	for _, v := range slices.Backward(vs) {
		b, err := s.versionBody(r, v)
		if err != nil {
			return reply{}, err
		}
		items = append(items, b)
	}
	return reply{http.StatusOK, map[string]any{
		"_embedded": map[string]any{"versions": items},
		"_links":    map[string]any{"self": link(r.url("/pacticipants/%s/versions", r.PathValue("pacticipant")))},
	}}, nil
}

func (s *Server) saveVersion(r *request, branch string, tags ...string) (reply, error) {
	p, n := r.PathValue("pacticipant"), r.PathValue("version")
	_, existed, err := s.store.LookupVersion(p, n)
	if err != nil {
		return reply{}, err
	}
	v, err := s.store.SaveVersion(p, n, branch, tags...)
	if err := storeError(err); err != nil {
		return reply{}, err
	}
	body, err := s.versionBody(r, v)
	status := http.StatusOK
	if !existed {
		status = http.StatusCreated
	}
	return reply{status, body}, err
}

func (s *Server) putVersion(r *request) (reply, error) {
	var req struct {
		Branch   string `json:"branch"`
		BuildURL string `json:"buildUrl"`
	}
	if err := r.decode(&req); err != nil {
		return reply{}, err
	}
	return s.saveVersion(r, req.Branch)
}

func (s *Server) putTag(r *request) (reply, error) {
	rep, err := s.saveVersion(r, "", r.PathValue("tag"))
	if err != nil {
		return rep, err
	}
	p, n, t := r.PathValue("pacticipant"), r.PathValue("version"), r.PathValue("tag")
	rep.body = map[string]any{"name": t, "_links": map[string]any{
		"self":       link(r.url("/pacticipants/%s/versions/%s/tags/%s", p, n, t)),
		"pb:version": link(r.url("/pacticipants/%s/versions/%s", p, n)),
	}}
	return rep, nil
}

func (s *Server) putBranchVersion(r *request) (reply, error) {
	return s.saveVersion(r, r.PathValue("branch"))
}

func (s *Server) latestVersion(r *request) (reply, error) {
	p, tag, branch := r.PathValue("pacticipant"), r.PathValue("tag"), r.PathValue("branch")
	vs, err := s.store.Versions(p)
	if err != nil {
		return reply{}, err
	}
	var latest *contract.Version
	for i, v := range vs {
		if (tag == "" || slices.Contains(v.Tags, tag)) && (branch == "" || v.Branch == branch) {
			latest = &vs[i]
		}
	}
	if latest == nil {
		return reply{}, notFound("no version of %s matches", p)
	}
	body, err := s.versionBody(r, *latest)
	return reply{http.StatusOK, body}, err
}
