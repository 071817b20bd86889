package env

import (
	"reflect"
	"strings"
	"testing"
)

// What only BuildKit understands is refused before building, by file:line,
// with what to write instead; the classic builder (Docker 20.10, checked with
// DOCKER_BUILDKIT=0) fails on it mid-build, or ignores a # syntax= line.
func TestParseDockerfileRefusesBuildKitSyntax(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"syntax directive", "# syntax=docker/dockerfile:1.7\nFROM scratch\n", []string{"Dockerfile:1:", "# syntax=docker/dockerfile:1.7", "remove the line"}},
		{"RUN --mount", "FROM base\nRUN --mount=type=cache,target=/root/.cache go build ./...\n", []string{"Dockerfile:2:", "RUN --mount: BuildKit only", "COPY what the step needs"}},
		{"RUN --network", "FROM base\nRUN --network=none make\n", []string{"Dockerfile:2:", "RUN --network: BuildKit only"}},
		{"RUN --security", "FROM base\nRUN --security=insecure make\n", []string{"Dockerfile:2:", "RUN --security: BuildKit only"}},
		{"COPY --link", "FROM base\n\nCOPY --link app /app\n", []string{"Dockerfile:3:", "COPY --link: BuildKit only", "remove --link"}},
		{"COPY --chmod", "FROM base\nCOPY --chown=1:1 --chmod=755 app /app\n", []string{"Dockerfile:2:", "COPY --chmod: BuildKit only", "RUN chmod"}},
		{"ADD --chmod", "FROM base\nADD --chmod=755 app /app\n", []string{"Dockerfile:2:", "ADD --chmod: BuildKit only"}},
		{"RUN heredoc", "FROM base\nRUN <<EOF\napk add curl\nEOF\n", []string{"Dockerfile:2:", "heredoc (<<EOF): BuildKit only", "one RUN line"}},
		{"COPY heredoc", "FROM base\nCOPY <<-\"END\" /etc/app.conf\nkey=value\nEND\n", []string{"Dockerfile:2:", "COPY with a heredoc"}},
		{"flag after a continuation", "FROM base\nRUN \\\n  --mount=type=secret,id=token cat /run/secrets/token\n", []string{"Dockerfile:2:", "RUN --mount"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseDockerfile("/ctx/Dockerfile", []byte(tc.text), nil)
			if err == nil {
				t.Fatal("accepted; want it refused")
			}
			for _, w := range append([]string{"/ctx/"}, tc.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// What the classic builder understands passes: its flags, a here-string, an
// escape directive, comments inside continuations.
func TestParseDockerfileAcceptsClassicSyntax(t *testing.T) {
	text := "# escape=`\n" +
		"ARG BASE=tandem.local/base:1\n" +
		"FROM --platform=linux/amd64 ${BASE} AS build\n" +
		"RUN bash -c 'cat <<<\"x\"' && \\\n" +
		"  # a comment in a continuation\n" +
		"  echo done\n" +
		"FROM scratch\n" +
		"COPY --from=build --chown=1:1 /out /out\n" +
		"HEALTHCHECK --interval=5s CMD [\"/out\"]\n"
	if _, err := parseDockerfile("/ctx/Dockerfile", []byte(text), nil); err != nil {
		t.Fatal(err)
	}
}

// The images a build needs from the engine: the bases and COPY --from images
// of the stages up to the target, with ARGs substituted (build args over
// defaults), never scratch or an earlier stage.
func TestDockerfileExternalImages(t *testing.T) {
	text := "ARG BASE=tandem.local/base:1\n" +
		"ARG TOOLS\n" +
		"FROM ${BASE} AS build\n" +
		"COPY --from=tandem.local/tools:${TOOLS:-2} /bin/tool /bin/tool\n" +
		"FROM scratch AS test\n" +
		"COPY --from=build /out /out\n" +
		"COPY --from=0 /out /out2\n" +
		"FROM tandem.local/runtime:3 AS release\n"
	tests := []struct {
		name, target string
		args         map[string]string
		want         []imageRef
	}{
		{"last stage", "", nil, []imageRef{{"tandem.local/base:1", 3}, {"tandem.local/tools:2", 4}, {"tandem.local/runtime:3", 8}}},
		{"target before the last", "test", nil, []imageRef{{"tandem.local/base:1", 3}, {"tandem.local/tools:2", 4}}},
		{"build args", "TEST", map[string]string{"BASE": "team/base:9", "TOOLS": "5"}, []imageRef{{"team/base:9", 3}, {"tandem.local/tools:5", 4}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			df, err := parseDockerfile("/ctx/Dockerfile", []byte(text), tc.args)
			if err != nil {
				t.Fatal(err)
			}
			got, err := df.external(tc.target)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("external(%q) = %v, want %v", tc.target, got, tc.want)
			}
		})
	}
	df, _ := parseDockerfile("/ctx/Dockerfile", []byte(text), nil)
	if _, err := df.external("debug"); err == nil || !strings.Contains(err.Error(), `build.target "debug" names no stage`) || !strings.Contains(err.Error(), "build, test, release") {
		t.Errorf("external(debug) error = %v; want one naming the target and the stages", err)
	}
}
