package broker_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/contract"
)

// pactFor is a pact between consumer and api whose content differs per tag.
func pactFor(t *testing.T, consumer, tag string) *contract.Pact {
	t.Helper()
	raw := fmt.Sprintf(`{"consumer":{"name":%q},"provider":{"name":"api"},"interactions":[{"description":"a request (%s)","request":{"method":"GET","path":"/items"},"response":{"status":200}}],"metadata":{"pactSpecification":{"version":"3.0.0"}}}`, consumer, tag)
	p, err := contract.ParsePact([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// forVerification posts a body to pacts for verification and returns
// "consumer version" per pact, with " pending" or " wip" when so marked.
func forVerification(t *testing.T, b *testBroker, body string) []string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.URL+"/pacts/provider/api/for-verification", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+readToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Embedded struct {
			Pacts []struct {
				Props struct{ Pending, Wip bool } `json:"verificationProperties"`
				Links struct {
					Self struct{ Name string } `json:"self"`
				} `json:"_links"`
			} `json:"pacts"`
		} `json:"_embedded"`
		Error any `json:"error"`
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("for-verification %s: %d %s", body, resp.StatusCode, buf.String())
	}
	name := regexp.MustCompile(`^Pact between (\S+) \((\S+)\) and api$`)
	var out []string
	for _, p := range doc.Embedded.Pacts {
		m := name.FindStringSubmatch(p.Links.Self.Name)
		if m == nil {
			t.Fatalf("pact link name %q", p.Links.Self.Name)
		}
		s := m[1] + " " + m[2]
		if p.Props.Pending {
			s += " pending"
		}
		if p.Props.Wip {
			s += " wip"
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestConsumerVersionSelectors(t *testing.T) {
	b := startBroker(t, defaultAuth())
	s := b.Store
	clock := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { clock = clock.Add(time.Hour); return clock }
	publish := func(consumer, version, branch string) {
		t.Helper()
		if _, err := s.PublishPacts(consumer, version, contract.PublishOptions{Branch: branch},
			contract.NamedPact{Name: version, Pact: pactFor(t, consumer, version)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetMainBranch("mobile", "develop"); err != nil {
		t.Fatal(err)
	}
	publish("web", "w1", "main")
	publish("web", "w2", "main")
	publish("web", "w3", "feat-x")
	publish("web", "w4", "release")
	publish("mobile", "m1", "develop")
	publish("mobile", "m2", "feat-y")
	for _, e := range []string{"production", "app-store"} {
		if _, err := s.SaveEnvironment(contract.Environment{Name: e}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RecordDeployment("web", "w4", "production"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordRelease("mobile", "m1", "app-store"); err != nil {
		t.Fatal(err)
	}
	// api verified m1's content on main before feat-z began.
	if err := s.SaveVerification(contract.VerificationRecord{Provider: "api", ProviderVersion: "a1", ProviderBranch: "main",
		Consumer: "mobile", ConsumerVersion: "m1", PactSHA: entrySHA(t, s, "mobile", "m1"), Success: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveVersion("api", "a2", "feat-z"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		body string
		want []string
	}{
		{"mainBranch picks each consumer's own main branch", `{"consumerVersionSelectors":[{"mainBranch":true}]}`, []string{"mobile m1", "web w2"}},
		{"branch", `{"consumerVersionSelectors":[{"branch":"feat-x"}]}`, []string{"web w3"}},
		{"branch with fallbackBranch", `{"consumerVersionSelectors":[{"branch":"feat-y","fallbackBranch":"main"}]}`, []string{"mobile m2", "web w2"}},
		{"matchingBranch", `{"providerVersionBranch":"feat-x","consumerVersionSelectors":[{"matchingBranch":true}]}`, []string{"web w3"}},
		{"deployed", `{"consumerVersionSelectors":[{"deployed":true}]}`, []string{"web w4"}},
		{"released", `{"consumerVersionSelectors":[{"released":true}]}`, []string{"mobile m1"}},
		{"deployedOrReleased", `{"consumerVersionSelectors":[{"deployedOrReleased":true}]}`, []string{"mobile m1", "web w4"}},
		{"environment", `{"consumerVersionSelectors":[{"environment":"app-store"}]}`, []string{"mobile m1"}},
		{"latest", `{"consumerVersionSelectors":[{"latest":true}]}`, []string{"mobile m2", "web w4"}},
		{"consumer", `{"consumerVersionSelectors":[{"mainBranch":true,"consumer":"web"}]}`, []string{"web w2"}},
		{"pending per provider branch", `{"providerVersionBranch":"feat-z","includePendingStatus":true,"consumerVersionSelectors":[{"mainBranch":true}]}`,
			[]string{"mobile m1", "web w2 pending"}},
		{"WIP: pending pacts of other branches published since", `{"providerVersionBranch":"feat-z","includePendingStatus":true,"includeWipPactsSince":"2026-03-01","consumerVersionSelectors":[{"mainBranch":true}]}`,
			[]string{"mobile m1", "mobile m2 pending wip", "web w2 pending", "web w3 pending wip", "web w4 pending wip"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := forVerification(t, b, tc.body); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUnsupportedSelectorIsRefusedByName(t *testing.T) {
	b := startBroker(t, defaultAuth())
	req, _ := http.NewRequest(http.MethodPost, b.URL+"/pacts/provider/api/for-verification",
		strings.NewReader(`{"consumerVersionSelectors":[{"mainBranch":true,"shinyNewField":1}]}`))
	req.Header.Set("Authorization", "Bearer "+readToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(buf.String(), "shinyNewField") {
		t.Errorf("%d %s, want 400 naming shinyNewField", resp.StatusCode, buf.String())
	}
}

func entrySHA(t *testing.T, s *contract.Store, consumer, version string) string {
	t.Helper()
	es, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Consumer == consumer && e.Version.Version == version {
			return e.SHA
		}
	}
	t.Fatalf("no pact of %s %s", consumer, version)
	return ""
}
