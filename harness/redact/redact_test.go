package redact_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandem-harness/tandem/harness/redact"
)

func TestSecretMatchesNamesLikeTheFieldsInAnySpelling(t *testing.T) {
	r := redact.New(redact.WithFields("ssn"))
	for _, tc := range []struct {
		name   string
		secret bool
	}{
		{"password", true}, {"Password", true}, {"user_password", true}, {"passwd", true},
		{"token", true}, {"access_token", true}, {"refreshToken", true}, {"X-Auth-Token", true},
		{"secret", true}, {"client_secret", true}, {"clientSecret", true},
		{"api_key", true}, {"apiKey", true}, {"API-KEY", true}, {"X-Api-Key", true},
		{"Authorization", true}, {"proxy-authorization", true}, {"Cookie", true}, {"Set-Cookie", true},
		{"ssn", true}, {"customer_ssn", true},
		{"product_id", false}, {"card", false}, {"request_id", false}, {"key", false}, {"name", false}, {"", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Secret(tc.name); got != tc.secret {
				t.Errorf("Secret(%q) = %v, want %v", tc.name, got, tc.secret)
			}
		})
	}
}

func TestWithoutDefaultsKeepsOnlyTheGivenNamesAndTheCredentialHeaders(t *testing.T) {
	r := redact.New(redact.WithoutDefaults(), redact.WithFields("pin"))
	if r.Secret("password") || !r.Secret("pin") || !r.Secret("Authorization") {
		t.Errorf("fields %v: password %v, pin %v, Authorization %v", r.Fields(), r.Secret("password"), r.Secret("pin"), r.Secret("Authorization"))
	}
}

func TestDefaultReadsTheEnvironment(t *testing.T) {
	t.Setenv(redact.EnvFields, "ssn, pin")
	if !redact.Default().Secret("customer_ssn") || !redact.Default().Secret("PIN") || !redact.Default().Secret("password") {
		t.Errorf("Default() fields = %v", redact.Default().Fields())
	}
	t.Setenv(redact.EnvFields, "")
	if redact.Default().Secret("ssn") {
		t.Errorf("Default() still redacts ssn after the variable changed: %v", redact.Default().Fields())
	}
}

func TestHeader(t *testing.T) {
	r := redact.New()
	h := http.Header{
		"Authorization":       {"Bearer s3cr3t"},
		"Proxy-Authorization": {"Basic dXNlcjpwYXNz"},
		"Cookie":              {"session=abc; theme=dark"},
		"Set-Cookie":          {"session=abc; HttpOnly"},
		"X-Api-Key":           {"k-123"},
		"Accept":              {"application/json"},
		"Location":            {"/next?token=abc"},
	}
	got := r.Header(h)
	want := http.Header{
		"Authorization": {redact.Mark}, "Proxy-Authorization": {redact.Mark}, "Cookie": {redact.Mark},
		"Set-Cookie": {redact.Mark}, "X-Api-Key": {redact.Mark}, "Accept": {"application/json"},
		"Location": {"/next?token=" + redact.Mark},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Header() =\n%v\nwant\n%v", got, want)
	}
	if h.Get("Authorization") != "Bearer s3cr3t" {
		t.Error("Header changed its argument")
	}
	if r.Header(nil) != nil {
		t.Error("Header(nil) != nil")
	}
}

func TestQueryAndURL(t *testing.T) {
	r := redact.New()
	for _, tc := range []struct{ in, want string }{
		{"a=1&token=abc&api_key=k&b=2", "a=1&token=[redacted]&api_key=[redacted]&b=2"},
		{"access%5Ftoken=abc&flag", "access%5Ftoken=[redacted]&flag"},
		{"apiKey=", "apiKey=[redacted]"},
		{"q=password", "q=password"},
		{"", ""},
	} {
		if got := r.Query(tc.in); got != tc.want {
			t.Errorf("Query(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got, want := r.URL("postgres://shop:hunter2@db:5432/x?sslmode=disable&password=p#frag"), "postgres://shop:[redacted]@db:5432/x?sslmode=disable&password=[redacted]#frag"; got != want {
		t.Errorf("URL() = %q, want %q", got, want)
	}
}

func TestText(t *testing.T) {
	r := redact.New()
	for _, tc := range []struct{ name, in, want string }{
		{"bearer", "calling with Bearer s3cr3t.x-y", "calling with Bearer [redacted]"},
		{"basic", "basic dXNlcjpwYXNz", "basic [redacted]"},
		{"authorization header", "Authorization: Bearer s3cr3t", "Authorization: [redacted]"},
		{"cookie header to the end of the line", "Cookie: a=1; sid=s3cr3t\nnext line", "Cookie: [redacted]\nnext line"},
		{"key=value", "login user=bob password=hunter2 ok", "login user=bob password=[redacted] ok"},
		{"key: value", "password: hunter2", "password: [redacted]"},
		{"quoted", `password="hunter 2" x=1`, `password="[redacted]" x=1`},
		{"single quoted", `api_key='k k'`, `api_key='[redacted]'`},
		{"json in text", `body {"user":"bob","password":"hunter2"}`, `body {"user":"bob","password":"[redacted]"}`},
		{"escaped json in text", `body "{\"password\":\"hunter2\"}"`, `body "{\"password\":\"[redacted]\"}"`},
		{"url query", "GET http://127.0.0.1:8080/p?id=1&access_token=abc&x=2 failed", "GET http://127.0.0.1:8080/p?id=1&access_token=[redacted]&x=2 failed"},
		{"url password", "dial postgres://shop:hunter2@db:5432/catalog", "dial postgres://shop:[redacted]@db:5432/catalog"},
		{"url in a pair", "url=http://h/?token=abc", "url=http://h/?token=[redacted]"},
		{"nothing secret", "GET /products 200 in 3ms (time=12:00:01)", "GET /products 200 in 3ms (time=12:00:01)"},
		{"names alone", "the password is wrong", "the password is wrong"},
		// A path that ends in a secret name, then a colon and words, is an
		// error about a file, not a secret.
		{"missing secret file", "open /run/secrets/db-password: no such file or directory", "open /run/secrets/db-password: no such file or directory"},
		{"unreadable token file", "read /etc/tandem/api_token: permission denied", "read /etc/tandem/api_token: permission denied"},
		{"relative path", "stat ./secrets/client_secret: is a directory", "stat ./secrets/client_secret: is a directory"},
		{"windows path", `open C:\secrets\password: The system cannot find the file specified.`, `open C:\secrets\password: The system cannot find the file specified.`},
		{"path in a JSON log line", `{"level":"error","msg":"open /run/secrets/db-password: no such file or directory"}`, `{"level":"error","msg":"open /run/secrets/db-password: no such file or directory"}`},
		// Secrets in the same positions are still masked.
		{"name without a path", "db-password: hunter2", "db-password: [redacted]"},
		{"flag", "run --db-password=hunter2 --port 80", "run --db-password=[redacted] --port 80"},
		{"path then =", "mount /run/secrets/db-password=hunter2", "mount /run/secrets/db-password=[redacted]"},
		{"path then a quoted value", `/body/password: "hunter2"`, `/body/password: "[redacted]"`},
		{"path then a real field", "open /run/secrets/db-password: no such file or directory (password: hunter2)",
			"open /run/secrets/db-password: no such file or directory (password: [redacted])"},
		{"file setting then a field", "DB_PASSWORD_FILE=/run/secrets/db-password password=hunter2", "DB_PASSWORD_FILE=[redacted] password=[redacted]"},
		{"escaped json after a path", `open /x/y: {\"password\":\"hunter2\"}`, `open /x/y: {\"password\":\"[redacted]\"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Text(tc.in); got != tc.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	r := redact.New()
	for _, tc := range []struct{ name, in, want string }{
		{"field", `{"user":"bob","password":"hunter2"}`, `{"user":"bob","password":"[redacted]"}`},
		{"formatting kept", "{\n  \"token\" : 12345 ,\n  \"n\": 1\n}", "{\n  \"token\" : \"[redacted]\" ,\n  \"n\": 1\n}"},
		{"nested and arrays", `{"a":[{"apiKey":"k","x":[1,2]},{"client_secret":null}],"b":{"access_token":{"v":"t"}}}`,
			`{"a":[{"apiKey":"[redacted]","x":[1,2]},{"client_secret":"[redacted]"}],"b":{"access_token":"[redacted]"}}`},
		{"secret array", `{"tokens":["a","b"],"ok":true}`, `{"tokens":"[redacted]","ok":true}`},
		{"escaped quotes in strings", `{"note":"say \"hi\"","password":"a\"b"}`, `{"note":"say \"hi\"","password":"[redacted]"}`},
		{"text inside strings", `{"msg":"sent Authorization: Bearer s3cr3t","h":{"Authorization":["Bearer s3cr3t"]}}`,
			`{"msg":"sent Authorization: [redacted]","h":{"Authorization":"[redacted]"}}`},
		{"values named like secrets stay", `{"kind":"password","card":"tok_visa"}`, `{"kind":"password","card":"tok_visa"}`},
		{"not json", `password=hunter2`, `password=[redacted]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(r.JSON([]byte(tc.in)))
			if got != tc.want {
				t.Errorf("JSON(%s)\n got %s\nwant %s", tc.in, got, tc.want)
			}
			if json.Valid([]byte(tc.in)) && !json.Valid([]byte(got)) {
				t.Errorf("JSON made invalid JSON: %s", got)
			}
		})
	}
}

func TestCopyJSONStreamsJSONLines(t *testing.T) {
	in := `{"a":1,"password":"x"}` + "\n" + `{"token":"y","b":[1]}` + "\n"
	var out bytes.Buffer
	if err := redact.New().CopyJSON(&out, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	want := `{"a":1,"password":"[redacted]"}` + "\n" + `{"token":"[redacted]","b":[1]}` + "\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestCopyJSONHandlesALargeDocument(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"items":[`)
	for i := range 100_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":"p-1","name":"Espresso cup with a long description","password":"hunter2","price":{"amount_cents":1299}}`)
	}
	b.WriteString(`],"blob":"` + strings.Repeat("x", 2<<20) + `"}`)
	if b.Len() < 10<<20 {
		t.Fatalf("document is %d bytes, want 10 MB or more", b.Len())
	}
	got := redact.New().JSON(b.Bytes())
	if bytes.Contains(got, []byte("hunter2")) {
		t.Error("a password survived")
	}
	if !json.Valid(got) || bytes.Count(got, []byte(redact.Mark)) != 100_000 {
		t.Errorf("valid %v, %d marks", json.Valid(got), bytes.Count(got, []byte(redact.Mark)))
	}
}

func TestBodyByContentType(t *testing.T) {
	r := redact.New()
	for _, tc := range []struct{ name, ct, in, want string }{
		{"json", "application/json; charset=utf-8", `{"password":"x"}`, `{"password":"[redacted]"}`},
		{"problem json", "application/problem+json", `{"token":"x"}`, `{"token":"[redacted]"}`},
		{"json without a type", "", `{"token":"x"}`, `{"token":"[redacted]"}`},
		{"form", "application/x-www-form-urlencoded", "user=bob&password=x", "user=bob&password=[redacted]"},
		{"text", "text/plain", "password=x", "password=[redacted]"},
		{"binary", "application/octet-stream", "\xff\xfepassword=x", "\xff\xfepassword=x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(r.Body([]byte(tc.in), tc.ct)); got != tc.want {
				t.Errorf("Body(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLineWriterRedactsLinesSplitAcrossWrites(t *testing.T) {
	var out bytes.Buffer
	w := redact.New().Writer(&out)
	in := `{"time":"2026-01-01T00:00:00Z","msg":"login","password":"hunter2","request_id":"e2e-1-1"}` + "\n" +
		"LOG:  connection authorized: user=shop password=hunter2\n" + "partial Bearer s3cr3t"
	for i := 0; i < len(in); i += 7 {
		if _, err := w.Write([]byte(in[i:min(i+7, len(in))])); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2026-01-01T00:00:00Z","msg":"login","password":"[redacted]","request_id":"e2e-1-1"}` + "\n" +
		"LOG:  connection authorized: user=shop password=[redacted]\n" + "partial Bearer [redacted]"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestJSONStringsKeepsTheStructure(t *testing.T) {
	in := `{"Token":{"a":1},"Message":"got {\"password\":\"hunter2\"} with Bearer s3cr3t","N":2}`
	want := `{"Token":{"a":1},"Message":"got {\"password\":\"[redacted]\"} with Bearer [redacted]","N":2}`
	if got := string(redact.New().JSONStrings([]byte(in))); got != want {
		t.Errorf("JSONStrings()\n got %s\nwant %s", got, want)
	}
}

func TestLineWriterWritesALineWithoutEndOnceIdle(t *testing.T) {
	var mu sync.Mutex
	var out bytes.Buffer
	w := redact.New().Writer(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return out.Write(p)
	}))
	defer w.Close()
	if _, err := w.Write([]byte("ready to accept connections (password=hunter2)")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		got := out.String()
		mu.Unlock()
		if got != "" {
			if got != "ready to accept connections (password=[redacted])" {
				t.Errorf("got %q", got)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a line without end was never written")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestLineKeepsAMissingSecretFileErrorAsItIs(t *testing.T) {
	r := redact.New()
	for _, line := range []string{
		"open /run/secrets/db-password: no such file or directory\n",
		`{"level":"error","msg":"open /run/secrets/db-password: no such file or directory"}` + "\n",
	} {
		if got := string(r.Line([]byte(line))); got != line {
			t.Errorf("Line(%q)\n got %q", line, got)
		}
	}
}

// A string whose content is JSON (Ginkgo's report entries keep their value
// as JSON in a string) is redacted as JSON, and stays valid JSON: a header
// value that runs to the end of a line must not swallow its closing quote.
func TestJSONStringsKeepsEmbeddedJSONValid(t *testing.T) {
	inner, _ := json.Marshal("Verifying a pact\n  Mismatch with header 'Authorization': Expected 'Bearer s3cr3t'\n{\"password\":\"hunter2\"}\ndone")
	outer, _ := json.Marshal(map[string]any{"Value": map[string]string{"AsJSON": string(inner)}})
	for name, redactFn := range map[string]func([]byte) []byte{"JSONStrings": redact.New().JSONStrings, "JSON": redact.New().JSON} {
		got := redactFn(outer)
		var doc struct{ Value struct{ AsJSON string } }
		if err := json.Unmarshal(got, &doc); err != nil {
			t.Fatalf("%s: %v: %s", name, err, got)
		}
		var text string
		if err := json.Unmarshal([]byte(doc.Value.AsJSON), &text); err != nil {
			t.Fatalf("%s: the embedded JSON is no longer valid: %v: %s", name, err, doc.Value.AsJSON)
		}
		if want := "Verifying a pact\n  Mismatch with header 'Authorization': [redacted]\n{\"password\":\"[redacted]\"}\ndone"; text != want {
			t.Errorf("%s: embedded text\n got %q\nwant %q", name, text, want)
		}
	}
}
