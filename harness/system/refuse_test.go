package system_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandem-harness/tandem/harness/system"
)

// A field Tandem can't honour is refused by name, with the file and line, the
// service and what to do instead; before, secrets and build.target were
// dropped without a word and the environment differed from docker compose's.
func TestLoadRefusesUnsupportedFieldsByName(t *testing.T) {
	tests := []struct {
		name  string
		field string // YAML under the service, indented by four spaces
		want  []string
	}{
		{"group_add", "group_add: [audio]", []string{"group_add: not supported by Tandem", "user: UID:GID"}},
		{"secrets uid by name", "secrets: [{source: token, uid: app}]", []string{"secrets[0].uid", `"app" is not a numeric id`}},
		{"build.ssh", "build: {context: ., ssh: [default]}", []string{"build.ssh: not supported by Tandem", "BuildKit only"}},
		{"privileged", "privileged: true", []string{"privileged: not supported by Tandem", "never run privileged"}},
		{"network_mode host", "network_mode: host", []string{"network_mode: not supported by Tandem", "environment's own network"}},
		{"devices", "devices: [/dev/fuse]", []string{"devices: not supported by Tandem", "host devices"}},
		{"cap_add", "cap_add: [NET_ADMIN]", []string{"cap_add: not supported by Tandem", "default capabilities"}},
		{"pid", "pid: host", []string{"pid: not supported by Tandem", "PID namespace"}},
		{"ipc", "ipc: host", []string{"ipc: not supported by Tandem", "IPC namespace"}},
		{"runtime", "runtime: runc", []string{"runtime: not supported by Tandem", "default runtime"}},
		{"scale 3", "scale: 3", []string{"scale: not supported by Tandem", "one container per service"}},
		{"deploy.replicas 2", "deploy: {replicas: 2}", []string{"deploy.replicas: not supported by Tandem", "one container per service"}},
		{"links with an alias", "links: [\"other:database\"]", []string{"links: not supported by Tandem", "aliases"}},
		{"deploy.resources.reservations", "deploy: {resources: {reservations: {memory: 64m}}}", []string{"deploy.resources.reservations: not supported", "limits"}},
		{"use_api_socket", "use_api_socket: true", []string{"use_api_socket: not supported by Tandem", "socket"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeCompose(t, tc.field)
			_, err := system.Load(context.Background(), path)
			if err == nil {
				t.Fatalf("Load accepted %q, want it refused by name", tc.field)
			}
			for _, w := range append([]string{path + ":", `service "app"`}, tc.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// Fields that are harmless in a disposable environment load, and the
// harmless values of refused ones too.
func TestLoadAcceptsIgnoredFieldsAndHarmlessValues(t *testing.T) {
	for _, field := range []string{
		"restart: always",
		"container_name: fixed",
		"scale: 1",
		"deploy: {replicas: 1, restart_policy: {condition: on-failure}}",
		"links: [other, \"other:other\"]",
		"tty: true",
		"logging: {driver: json-file}",
		"pull_policy: missing",
	} {
		t.Run(field, func(t *testing.T) {
			if _, err := system.Load(context.Background(), writeCompose(t, field)); err != nil {
				t.Errorf("Load refused %q: %v", field, err)
			}
		})
	}
}

// writeCompose writes a Compose file whose service app sets field, beside a
// service other that it may name, with a secret and a Dockerfile it may use.
func writeCompose(t *testing.T, field string) string {
	t.Helper()
	dir := t.TempDir()
	compose := "services:\n  app:\n    image: tandem.local/app:1\n    " + field + "\n  other:\n    image: tandem.local/other:1\nsecrets:\n  token: {file: ./token}\n"
	for name, content := range map[string]string{"compose.yaml": compose, "token": "s3cret\n", "Dockerfile": "FROM scratch\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "compose.yaml")
}
