package broker

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/tandem-harness/tandem/harness/contract"
)

func (s *Server) matrixRoutes() {
	s.handle("GET /matrix", false, s.matrix)
	s.handle("GET /can-i-deploy", false, s.canIDeploy)
}

// matrixQuery is a can-i-deploy question (pact_broker's Matrix resource):
// selectors q[][pacticipant] with version, latest, branch, tag or
// mainBranch; ignore[][pacticipant] (and version); and the target: an
// environment, a tag, the main branch (can-i-merge) or the latest versions.
type matrixQuery struct {
	selectors   []matrixSelector
	ignores     []matrixSelector
	environment string
	tag         string
	mainBranch  bool
	latest      bool
}

type matrixSelector struct {
	pacticipant, version, branch, tag string
	latest, mainBranch                bool
}

// parseMatrixQuery reads the query in order: each q[][pacticipant] (or
// ignore[][pacticipant]) starts a new selector, as Rack parses it.
func parseMatrixQuery(raw string) (matrixQuery, error) {
	var q matrixQuery
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return q, badRequest("the query %q does not decode", kv)
		}
		list := &q.selectors
		field := key
		switch {
		case strings.HasPrefix(key, "q[]["):
			field = strings.TrimSuffix(strings.TrimPrefix(key, "q[]["), "]")
		case strings.HasPrefix(key, "ignore[]["):
			list = &q.ignores
			field = strings.TrimSuffix(strings.TrimPrefix(key, "ignore[]["), "]")
		default:
			switch key {
			case "environment":
				q.environment = val
			case "tag":
				q.tag = val
			case "mainBranch":
				q.mainBranch = val == "true"
			case "latest":
				q.latest = val == "true"
			case "latestby", "limit":
			default:
				return q, badRequest("matrix parameter %q is not supported by tandem broker", key)
			}
			continue
		}
		if field == "pacticipant" {
			*list = append(*list, matrixSelector{pacticipant: val})
			continue
		}
		if len(*list) == 0 {
			return q, badRequest("%s comes before its [pacticipant]", key)
		}
		sel := &(*list)[len(*list)-1]
		switch field {
		case "version":
			sel.version = val
		case "branch":
			sel.branch = val
		case "tag":
			sel.tag = val
		case "latest":
			sel.latest = val == "true"
		case "mainBranch":
			sel.mainBranch = val == "true"
		default:
			return q, badRequest("matrix selector field %q is not supported by tandem broker", field)
		}
	}
	if len(q.selectors) == 0 {
		return q, badRequest("name the pacticipant: q[][pacticipant]=NAME with q[][version]=VERSION")
	}
	return q, nil
}

func (s *Server) canIDeploy(r *request) (reply, error) {
	v := r.URL.Query()
	raw := "q[][pacticipant]=" + url.QueryEscape(v.Get("pacticipant")) + "&q[][version]=" + url.QueryEscape(v.Get("version"))
	if env := v.Get("environment"); env != "" {
		raw += "&environment=" + url.QueryEscape(env)
	}
	if to := v.Get("to"); to != "" {
		raw += "&tag=" + url.QueryEscape(to)
	}
	return s.answer(r, raw)
}

func (s *Server) matrix(r *request) (reply, error) { return s.answer(r, r.URL.RawQuery) }

// resolve finds the version a matrix selector names.
func (s *Server) resolve(sel matrixSelector) (contract.Version, bool, error) {
	if sel.version != "" {
		return s.store.LookupVersion(sel.pacticipant, sel.version)
	}
	vs, err := s.store.Versions(sel.pacticipant)
	if err != nil {
		return contract.Version{}, false, err
	}
	main := ""
	if sel.mainBranch {
		if main, err = s.store.MainBranch(sel.pacticipant); err != nil {
			return contract.Version{}, false, err
		}
	}
	var found *contract.Version
	for i, v := range vs {
		if (sel.branch == "" || v.Branch == sel.branch) && (sel.tag == "" || slices.Contains(v.Tags, sel.tag)) && (main == "" || v.Branch == main) {
			found = &vs[i]
		}
	}
	if found == nil {
		return contract.Version{}, false, nil
	}
	return *found, true, nil
}

// targets returns, for the pacticipants other than the ones asked about, the
// versions to check against: those in the environment, the latest with the
// tag, the latest on each main branch, or the latest of all.
func (s *Server) targets(q matrixQuery, names []string) (map[string][]string, string, error) {
	switch {
	case q.environment != "":
		if _, ok, err := s.store.FindEnvironment(q.environment); err != nil || !ok {
			return nil, "", badRequest("no environment %s: create it with pact broker create-environment --name %s", q.environment, q.environment)
		}
		in, err := s.store.InEnvironment(q.environment)
		return in, "the " + q.environment + " environment", err
	case q.tag != "" || q.mainBranch || q.latest:
		ps, err := s.store.Pacticipants()
		if err != nil {
			return nil, "", err
		}
		out := map[string][]string{}
		for _, p := range ps {
			if slices.Contains(names, p.Name) {
				continue
			}
			v, ok, err := s.resolve(matrixSelector{pacticipant: p.Name, tag: q.tag, mainBranch: q.mainBranch})
			if err != nil {
				return nil, "", err
			}
			if ok {
				out[p.Name] = []string{v.Version}
			}
		}
		what := "the latest version of each pacticipant"
		switch {
		case q.tag != "":
			what = "the latest version tagged " + q.tag + " of each pacticipant"
		case q.mainBranch:
			what = "the latest version of each pacticipant's main branch"
		}
		return out, what, nil
	}
	return map[string][]string{}, "each other", nil
}

func (q matrixQuery) ignored(pacticipant, version string) bool {
	for _, ig := range q.ignores {
		if ig.pacticipant == pacticipant && (ig.version == "" || ig.version == version) {
			return true
		}
	}
	return false
}

type matrixRow struct {
	row     contract.Row
	ignored bool
}

func (s *Server) answer(r *request, raw string) (reply, error) {
	q, err := parseMatrixQuery(raw)
	if err != nil {
		return reply{}, err
	}
	all, err := s.store.List()
	if err != nil {
		return reply{}, err
	}
	asked := map[string]string{} // pacticipant → version
	var names, unknown []string
	for _, sel := range q.selectors {
		v, ok, err := s.resolve(sel)
		if err != nil {
			return reply{}, err
		}
		if !ok {
			unknown = append(unknown, describeSelector(sel))
			continue
		}
		asked[sel.pacticipant] = v.Version
		names = append(names, sel.pacticipant)
	}
	if len(unknown) > 0 {
		reason := "The store has no " + strings.Join(unknown, ", no ") + ": publish its pacts or verification results first"
		return reply{http.StatusOK, map[string]any{
			"summary": map[string]any{"deployable": nil, "reason": reason, "success": 0, "failed": 0, "unknown": len(unknown)},
			"notices": []any{map[string]any{"type": "warning", "text": reason}},
			"matrix":  []any{},
		}}, nil
	}
	others, target, err := s.targets(q, names)
	if err != nil {
		return reply{}, err
	}
	// The versions asked about meet each other as they are.
	for n, v := range asked {
		others[n] = []string{v}
	}
	var rows []matrixRow
	seen := map[string]bool{}
	add := func(row contract.Row) {
		k := row.Consumer + "\x00" + row.ConsumerVersion + "\x00" + row.Provider + "\x00" + row.ProviderVersion
		if seen[k] {
			return
		}
		seen[k] = true
		other, otherV := row.Provider, row.ProviderVersion
		if _, ok := asked[row.Provider]; ok && asked[row.Provider] == row.ProviderVersion {
			if asked[row.Consumer] != row.ConsumerVersion {
				other, otherV = row.Consumer, row.ConsumerVersion
			}
		}
		rows = append(rows, matrixRow{row: row, ignored: q.ignored(other, otherV)})
	}
	for name, version := range asked {
		for _, e := range all {
			switch {
			case e.Consumer == name && e.Version.Version == version:
				for _, pv := range others[e.Provider] {
					add(s.store.Pair(e, pv))
				}
			case e.Provider == name && slices.Contains(others[e.Consumer], e.Version.Version):
				add(s.store.Pair(e, version))
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].row, rows[j].row
		return a.Consumer+a.ConsumerVersion+a.Provider+a.ProviderVersion < b.Consumer+b.ConsumerVersion+b.Provider+b.ProviderVersion
	})
	var matrix, notices []any
	success, failed, unknownN, ignoredN := 0, 0, 0, 0
	var problems []string
	for _, mr := range rows {
		row := mr.row
		item := map[string]any{
			"consumer":           map[string]any{"name": row.Consumer, "version": map[string]any{"number": row.ConsumerVersion}},
			"provider":           map[string]any{"name": row.Provider, "version": map[string]any{"number": row.ProviderVersion}},
			"pact":               map[string]any{"_links": map[string]any{"self": link(r.url("/pacts/provider/%s/consumer/%s/version/%s", row.Provider, row.Consumer, row.ConsumerVersion))}},
			"verificationResult": nil,
			"ignored":            mr.ignored,
		}
		if row.Status == contract.Verified || row.Status == contract.Failed {
			item["verificationResult"] = map[string]any{"success": row.Status == contract.Verified,
				"_links": map[string]any{"self": link(r.url("/pacts/provider/%s/consumer/%s/version/%s", row.Provider, row.Consumer, row.ConsumerVersion))}}
		}
		matrix = append(matrix, item)
		switch {
		case mr.ignored:
			ignoredN++
			notices = append(notices, map[string]any{"type": "info", "text": fmt.Sprintf("Ignoring the %s between %s (%s) and %s (%s), as asked", row.Status, row.Consumer, row.ConsumerVersion, row.Provider, row.ProviderVersion)})
		case row.Status == contract.Verified:
			success++
			notices = append(notices, map[string]any{"type": "success", "text": fmt.Sprintf("The verification for the pact between %s (%s) and %s (%s) succeeded", row.Consumer, row.ConsumerVersion, row.Provider, row.ProviderVersion)})
		case row.Status == contract.Failed:
			failed++
			text := fmt.Sprintf("The verification for the pact between %s (%s) and %s (%s) failed", row.Consumer, row.ConsumerVersion, row.Provider, row.ProviderVersion)
			if row.Detail != "" {
				text += ": " + row.Detail
			}
			problems = append(problems, text)
			notices = append(notices, map[string]any{"type": "error", "text": text})
		default:
			unknownN++
			text := fmt.Sprintf("There is no verified pact between %s (%s) and %s (%s)", row.Consumer, row.ConsumerVersion, row.Provider, row.ProviderVersion)
			problems = append(problems, text)
			notices = append(notices, map[string]any{"type": "error", "text": text})
		}
	}
	if matrix == nil {
		matrix = []any{}
	}
	deployable := len(problems) == 0
	var reason string
	switch {
	case !deployable:
		reason = strings.Join(problems, "; ")
	case len(rows) == 0:
		reason = "There are no missing dependencies: nothing in " + target + " has a contract with " + strings.Join(names, ", ")
	default:
		reason = fmt.Sprintf("All required verification results against %s are published and successful", target)
	}
	notices = append([]any{map[string]any{"type": map[bool]string{true: "success", false: "error"}[deployable], "text": reason}}, notices...)
	return reply{http.StatusOK, map[string]any{
		"summary": map[string]any{"deployable": deployable, "reason": reason, "success": success, "failed": failed, "unknown": unknownN, "ignored": ignoredN},
		"notices": notices,
		"matrix":  matrix,
	}}, nil
}

func describeSelector(sel matrixSelector) string {
	switch {
	case sel.version != "":
		return fmt.Sprintf("version %s of %s", sel.version, sel.pacticipant)
	case sel.branch != "":
		return fmt.Sprintf("version of %s on branch %s", sel.pacticipant, sel.branch)
	case sel.tag != "":
		return fmt.Sprintf("version of %s tagged %s", sel.pacticipant, sel.tag)
	case sel.mainBranch:
		return fmt.Sprintf("version of %s on its main branch", sel.pacticipant)
	}
	return "version of " + sel.pacticipant
}
