package env

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// dockerfile is what Tandem needs to know of a Dockerfile before it asks the
// engine's classic builder to build it: the images its stages start from.
type dockerfile struct {
	path   string
	stages []stage
}

// stage is one FROM of a Dockerfile, with the images its COPY --from lines
// name.
type stage struct {
	name string // lower case; "" when the stage has no AS
	base imageRef
	from []imageRef // COPY --from=IMAGE of an image, not a stage
}

// imageRef is an image a Dockerfile names, and where.
type imageRef struct {
	image string
	line  int
}

// instruction is one logical line of a Dockerfile: continuations joined.
type instruction struct {
	line    int    // where it starts
	keyword string // upper case
	flags   []string
	args    string // after the flags
}

// The flags the classic builder of Docker 20.10 accepts; checked on that
// engine (DOCKER_BUILDKIT=0): COPY --chmod, ADD --chmod and RUN --mount end
// with "requires BuildKit", COPY --link with "Unknown flag: link".
// Other instructions' flags (HEALTHCHECK --interval) are not checked.
var classicFlags = map[string][]string{
	"RUN":  nil,
	"FROM": {"platform"},
	"COPY": {"from", "chown"},
	"ADD":  {"chown"},
}

// heredoc matches a heredoc (<<EOF, <<-"EOF") but not a here-string (<<<).
var heredoc = regexp.MustCompile(`(^|[^<])<<-?\s*["']?[A-Za-z_][A-Za-z0-9_]*["']?`)

// parseDockerfile reads a Dockerfile, refuses by file:line what only BuildKit
// understands (the engine's classic builder would fail on it, or, for a
// # syntax= directive, ignore it and build with other rules than the author
// wrote for), and lists its stages with the images they start from, ARGs
// substituted (build args over the defaults of the ARGs before the first
// FROM).
func parseDockerfile(path string, text []byte, args map[string]string) (*dockerfile, error) {
	df := &dockerfile{path: path}
	insts, errs := df.instructions(text)
	global := map[string]string{}
	for _, in := range insts {
		if err := df.classicOnly(in); err != nil {
			errs = append(errs, err)
			continue
		}
		switch in.keyword {
		case "ARG":
			if len(df.stages) > 0 {
				continue
			}
			name, def, _ := strings.Cut(strings.TrimSpace(in.args), "=")
			if v, ok := args[name]; ok {
				def = v
			}
			global[name] = strings.Trim(def, `"'`)
		case "FROM":
			fields := strings.Fields(in.args)
			if len(fields) == 0 {
				errs = append(errs, df.errorf(in.line, "FROM names no image; write FROM IMAGE"))
				continue
			}
			st := stage{base: imageRef{image: expand(fields[0], global), line: in.line}}
			if len(fields) >= 3 && strings.EqualFold(fields[1], "AS") {
				st.name = strings.ToLower(fields[2])
			}
			df.stages = append(df.stages, st)
		case "COPY":
			for _, f := range in.flags {
				if v, ok := strings.CutPrefix(f, "--from="); ok && len(df.stages) > 0 {
					last := &df.stages[len(df.stages)-1]
					last.from = append(last.from, imageRef{image: expand(v, global), line: in.line})
				}
			}
		}
	}
	if len(df.stages) == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%s: no FROM line; a Dockerfile starts with FROM IMAGE", path))
	}
	return df, errors.Join(errs...)
}

// instructions splits the Dockerfile into logical lines, reading its parser
// directives: # escape= is honoured, # syntax= and # check= are refused.
func (df *dockerfile) instructions(text []byte) ([]instruction, []error) {
	var errs []error
	escape := byte('\\')
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var insts []instruction
	var cur *instruction
	var body strings.Builder
	directives := true
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if directives {
			if d, ok := strings.CutPrefix(trimmed, "#"); ok {
				key, value, isDirective := strings.Cut(strings.TrimSpace(d), "=")
				key = strings.ToLower(strings.TrimSpace(key))
				if isDirective && !strings.Contains(key, " ") {
					switch key {
					case "escape":
						if v := strings.TrimSpace(value); len(v) == 1 {
							escape = v[0]
						}
					case "syntax", "check":
						errs = append(errs, df.errorf(n, "# %s=%s: parser directives for BuildKit's Dockerfile frontend are not supported: the engine's classic builder ignores them and builds with its own Dockerfile rules; remove the line, and any syntax that only that frontend understands", key, strings.TrimSpace(value)))
					}
					continue
				}
			}
			directives = false
		}
		if cur == nil && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cur != nil && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue // inside a continuation: comments and blank lines are dropped
		}
		if cur == nil {
			cur = &instruction{line: n}
			body.Reset()
		}
		rest := strings.TrimRight(line, " \t\r")
		if strings.HasSuffix(rest, string(escape)) {
			body.WriteString(strings.TrimSuffix(rest, string(escape)))
			body.WriteByte(' ')
			continue
		}
		body.WriteString(rest)
		insts = append(insts, split(*cur, body.String()))
		cur = nil
	}
	if cur != nil {
		insts = append(insts, split(*cur, body.String()))
	}
	return insts, errs
}

// split separates an instruction's keyword and leading --flags from its arguments.
func split(in instruction, text string) instruction {
	text = strings.TrimSpace(text)
	kw, rest, _ := strings.Cut(text, " ")
	in.keyword = strings.ToUpper(kw)
	rest = strings.TrimSpace(rest)
	for strings.HasPrefix(rest, "--") {
		f, after, _ := strings.Cut(rest, " ")
		in.flags = append(in.flags, f)
		rest = strings.TrimSpace(after)
	}
	in.args = rest
	return in
}

// classicOnly refuses, naming file:line and what to write instead, an
// instruction that only BuildKit understands.
func (df *dockerfile) classicOnly(in instruction) error {
	allowed, checked := classicFlags[in.keyword]
	for _, f := range in.flags {
		name, _, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if !checked || slices.Contains(allowed, name) {
			continue
		}
		return df.errorf(in.line, "%s --%s: BuildKit only; the engine's classic builder has no such flag; %s", in.keyword, name, flagFix(in.keyword, name))
	}
	if (in.keyword == "RUN" || in.keyword == "COPY" || in.keyword == "ADD") && heredoc.MatchString(in.args) {
		return df.errorf(in.line, "%s with a heredoc (<<EOF): BuildKit only; the engine's classic builder reads the heredoc's lines as instructions; put the text in a file in the build context and COPY it, or write the commands on one RUN line joined with &&", in.keyword)
	}
	return nil
}

func flagFix(keyword, flag string) string {
	switch {
	case keyword == "RUN" && flag == "mount":
		return "COPY what the step needs into the image instead of mounting it (a cache or secret mount has no classic equivalent; pass a secret as a build arg only if it may end up in the image)"
	case keyword == "RUN" && flag == "network":
		return "remove the flag: classic RUN steps use the engine's default network"
	case keyword == "RUN" && flag == "security":
		return "remove the flag: classic RUN steps always run unprivileged"
	case flag == "chmod":
		return "remove --chmod and set the mode with RUN chmod after the copy, or give the file its mode in the build context"
	case flag == "link":
		return "remove --link: the copy is the same without it"
	}
	return "remove the flag"
}

// external lists the images the build needs from the engine: the base and
// COPY --from images of the stages up to target (the classic builder stops
// there), leaving out scratch and earlier stages. It fails when target names
// no stage.
func (df *dockerfile) external(target string) ([]imageRef, error) {
	last := len(df.stages) - 1
	if target != "" {
		last = slices.IndexFunc(df.stages, func(s stage) bool { return s.name == strings.ToLower(target) })
		if last < 0 {
			var names []string
			for _, s := range df.stages {
				if s.name != "" {
					names = append(names, s.name)
				}
			}
			return nil, fmt.Errorf("%s: build.target %q names no stage of the Dockerfile (its named stages: %s); name one of them, or add AS %s to a FROM line", df.path, target, strings.Join(names, ", "), target)
		}
	}
	var refs []imageRef
	seen := map[string]bool{}
	for i, st := range df.stages[:last+1] {
		for _, ref := range append([]imageRef{st.base}, st.from...) {
			if ref.image == "" || strings.EqualFold(ref.image, "scratch") || seen[ref.image] || df.isStage(ref.image, i) {
				continue
			}
			seen[ref.image] = true
			refs = append(refs, ref)
		}
	}
	return refs, nil
}

// isStage reports whether name is a stage defined before stage i (by name or
// by index).
func (df *dockerfile) isStage(name string, i int) bool {
	for j, st := range df.stages[:i] {
		if st.name != "" && st.name == strings.ToLower(name) || name == fmt.Sprint(j) {
			return true
		}
	}
	return false
}

func (df *dockerfile) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", df.path, line, fmt.Sprintf(format, args...))
}

var variable = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// expand substitutes $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
// ${VAR:+alt} and ${VAR+alt} from vars, as the Dockerfile does.
func expand(s string, vars map[string]string) string {
	return variable.ReplaceAllStringFunc(s, func(m string) string {
		sub := variable.FindStringSubmatch(m)
		name, op, word := sub[1]+sub[4], sub[2], sub[3]
		v, set := vars[name]
		switch op {
		case ":-":
			if v == "" {
				return word
			}
		case "-":
			if !set {
				return word
			}
		case ":+":
			if v != "" {
				return word
			}
			return ""
		case "+":
			if set {
				return word
			}
			return ""
		}
		return v
	})
}
