package system

import (
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// sources are the Compose files of a system in the order they merge, so that
// an error about the merged system can name the file and line that set the
// value at fault.
type sources struct {
	paths []string // as given, for messages
	abs   []string
	docs  []*yaml.Node // parsed on first use; nil for a file that does not parse
}

// String names every file: "compose.yaml", or "compose.yaml + override.yaml".
func (src *sources) String() string { return strings.Join(src.paths, " + ") }

// named finds the file a compose-go message names. It returns that file's
// index and the message without compose-go's prefix, or -1 and the message
// when it names none (a problem of the merged system).
func (src *sources) named(msg string) (int, string) {
	for i := len(src.abs) - 1; i >= 0; i-- {
		abs := src.abs[i]
		for _, prefix := range []string{"validating " + abs + ": ", "failed to parse " + abs + ": "} {
			if r, ok := strings.CutPrefix(msg, prefix); ok {
				return i, r
			}
		}
		if strings.Contains(msg, abs) {
			return i, strings.ReplaceAll(msg, abs, src.paths[i])
		}
	}
	return -1, msg
}

// field says where a service's field is set: "file:line" of the file that
// sets the most of it, the last such file when several do (as the last one
// wins the merge). path is a field as Tandem's errors spell it
// ("x-tandem.ready.http", "ports[0]", "environment.DB_URL"), possibly followed
// by the rest of the message (": ..."). Without a file that defines the
// service, it names every file.
func (src *sources) field(service, path string) string {
	return src.key(append([]string{"services", service}, fieldPath(path)...)...)
}

// key says where the field at keys (at least two: "volumes", "data", …) is
// set, as field does for a service's.
func (src *sources) key(keys ...string) string {
	best, bestDepth, bestLine := -1, 2, 0
	for i := range src.abs {
		if depth, line := src.find(i, keys); depth >= bestDepth {
			best, bestDepth, bestLine = i, depth, line
		}
	}
	if best < 0 {
		return src.String()
	}
	return src.paths[best] + ":" + strconv.Itoa(bestLine)
}

// at says where in file i the field at keys is, as deep as the file has it:
// "file:line", or "file" when the file has not even its first key.
func (src *sources) at(i int, keys ...string) string {
	if depth, line := src.find(i, keys); depth > 0 {
		return src.paths[i] + ":" + strconv.Itoa(line)
	}
	return src.paths[i]
}

// find follows keys down file i's tree as far as they go: how many it found,
// and the line of the last.
func (src *sources) find(i int, keys []string) (depth, line int) {
	node := src.doc(i)
	for _, k := range keys {
		next, l := lookup(node, k)
		if next == nil {
			break
		}
		node, line, depth = next, l, depth+1
	}
	return depth, line
}

// doc is the i-th file's YAML tree, or nil.
func (src *sources) doc(i int) *yaml.Node {
	if src.docs == nil {
		src.docs = make([]*yaml.Node, len(src.abs))
		for j, abs := range src.abs {
			b, err := os.ReadFile(abs)
			if err != nil {
				continue
			}
			var doc yaml.Node
			if yaml.Unmarshal(b, &doc) == nil && doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
				src.docs[j] = doc.Content[0]
			}
		}
	}
	return src.docs[i]
}

// lookup returns a mapping's value under key, or a sequence's element at the
// index key, with the line it starts on; nil when there is none.
func lookup(n *yaml.Node, key string) (*yaml.Node, int) {
	if n == nil {
		return nil, 0
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i].Line
		}
	}
	return nil, 0
}

var fieldPrefix = regexp.MustCompile(`^[A-Za-z0-9_\-.\[\]]+`)

// fieldPath splits "x-tandem.ready.http: ..." into [x-tandem ready http] and
// "ports[0]" into [ports 0].
func fieldPath(s string) []string {
	head, _, _ := strings.Cut(s, ": ")
	if fieldPrefix.FindString(head) != head {
		return nil
	}
	var keys []string
	for _, part := range strings.Split(head, ".") {
		name, index, ok := strings.Cut(part, "[")
		keys = append(keys, name)
		if ok {
			keys = append(keys, strings.TrimSuffix(index, "]"))
		}
	}
	return keys
}
