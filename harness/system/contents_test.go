package system_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/system"
)

// Secrets and configs with file, environment and content sources load with
// their targets, modes and owners; before, secrets were dropped without a
// word and configs refused.
func TestLoadReadsSecretsAndConfigs(t *testing.T) {
	t.Setenv("TANDEM_TEST_API_KEY", "k3y-from-env")
	sys, _, err := loadFiles(t, `
services:
	app:
		image: tandem.local/app:1
		secrets:
			- db_password
			- source: api_key
				target: api.key
				mode: 0400
				uid: "1000"
				gid: "1001"
		configs:
			- app_conf
			- source: flags
				target: /etc/app/flags.json
secrets:
	db_password: {file: ./db_password.txt}
	api_key: {environment: TANDEM_TEST_API_KEY}
configs:
	app_conf: {file: ./app.conf}
	flags: {content: '{"beta": true}'}
`, map[string]string{"db_password.txt": "s3cret\n", "app.conf": "level=debug\n"})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	app, _ := sys.Service("app")
	type want struct {
		target, content, from string
		mode                  fs.FileMode
		uid, gid              int
	}
	check := func(kind string, got []system.Content, wants []want) {
		t.Helper()
		if len(got) != len(wants) {
			t.Fatalf("%s: %d, want %d", kind, len(got), len(wants))
		}
		for i, w := range wants {
			g := got[i]
			b, err := g.Read()
			if err != nil {
				t.Fatalf("%s %d: Read: %v", kind, i, err)
			}
			if g.Target != w.target || string(b) != w.content || !strings.HasPrefix(g.From, w.from) || g.Mode != w.mode || g.UID != w.uid || g.GID != w.gid {
				t.Errorf("%s %d: target %s from %q mode %o owner %d:%d content %q; want %s, %q…, %o, %d:%d, %q",
					kind, i, g.Target, g.From, g.Mode, g.UID, g.GID, b, w.target, w.from, w.mode, w.uid, w.gid, w.content)
			}
		}
	}
	check("secrets", app.Secrets, []want{
		{"/run/secrets/db_password", "s3cret\n", "file /", 0o444, 0, 0},
		{"/run/secrets/api.key", "k3y-from-env", "environment variable TANDEM_TEST_API_KEY", 0o400, 1000, 1001},
	})
	check("configs", app.Configs, []want{
		{"/app_conf", "level=debug\n", "file /", 0o444, 0, 0},
		{"/etc/app/flags.json", `{"beta": true}`, "content", 0o444, 0, 0},
	})
}

// A secret or config Tandem can't provide is refused by name; the error
// never carries a secret's value.
func TestLoadRefusesSecretsItCannotProvide(t *testing.T) {
	t.Setenv("TANDEM_TEST_SET", "v4lue-never-shown")
	tests := []struct {
		name, ref, def string
		want           []string
	}{
		{"external", "secrets: [token]", "secrets:\n\ttoken: {external: true}", []string{`service "app"`, "secrets[0]: secrets.token.external: not supported by Tandem", "file: or environment:"}},
		{"missing file", "secrets: [token]", "secrets:\n\ttoken: {file: ./nope.txt}", []string{"secrets.token.file", "nope.txt does not exist"}},
		{"unset variable", "secrets: [token]", "secrets:\n\ttoken: {environment: TANDEM_TEST_UNSET_VAR}", []string{"secrets.token.environment", "TANDEM_TEST_UNSET_VAR is not set", ".env"}},
		{"gid by name", "secrets: [{source: token, gid: staff}]", "secrets:\n\ttoken: {environment: TANDEM_TEST_SET}", []string{"compose.yaml:4", "secrets[0].gid", `"staff" is not a numeric id`}},
		{"config external", "configs: [conf]", "configs:\n\tconf: {external: true}", []string{"configs[0]: configs.conf.external: not supported by Tandem"}},
		{"config driver", "configs: [conf]", "configs:\n\tconf: {file: ./seed, template_driver: golang}", []string{"configs.conf.template_driver: not supported by Tandem"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, path, err := loadFiles(t, "services:\n\tapp:\n\t\timage: tandem.local/app:1\n\t\t"+tc.ref+"\n"+tc.def+"\n", map[string]string{"seed": "x"})
			if err == nil {
				t.Fatal("Load accepted it, want it refused by name")
			}
			for _, w := range tc.want {
				w = strings.ReplaceAll(w, "compose.yaml", path)
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "v4lue-never-shown") {
				t.Errorf("the error shows the secret's value: %v", err)
			}
		})
	}
}
