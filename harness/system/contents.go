package system

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// Content is a file that a service's container gets from a secret or a
// config of the Compose file, copied in before the container starts: a
// secret at /run/secrets/NAME (or its target), a config at its target (or
// /NAME).
//
// Its bytes are read only when they are copied: a secret's value is never
// held in a field that could be printed, and never goes into an error, a log
// or a report.
type Content struct {
	Kind   string      // "secret" or "config"
	Name   string      // its key under the top-level secrets or configs
	Target string      // absolute path in the container
	Mode   fs.FileMode // default 0444
	UID    int         // owner, default 0
	GID    int         // group, default 0
	// From says where the bytes come from, for messages: "file PATH",
	// "environment variable NAME" or "content".
	From string
	read func() ([]byte, error)
}

// Read returns the content's bytes. Pass them to the container only.
func (c Content) Read() ([]byte, error) {
	if c.read == nil {
		return nil, fmt.Errorf("%s %s has no source", c.Kind, c.Name)
	}
	return c.read()
}

// serviceContents reads a service's secrets and configs from the project's
// top-level definitions.
func serviceContents(project *types.Project, sc types.ServiceConfig, svc *Service) error {
	for i, ref := range sc.Secrets {
		def, ok := project.Secrets[ref.Source]
		if !ok {
			return fmt.Errorf("secrets[%d]: no secret %q under the top-level secrets; define it there (file: or environment:)", i, ref.Source)
		}
		c, err := content("secret", fmt.Sprintf("secrets[%d]", i), types.FileReferenceConfig(ref), types.FileObjectConfig(def), project.Environment)
		if err != nil {
			return err
		}
		svc.Secrets = append(svc.Secrets, c)
	}
	for i, ref := range sc.Configs {
		def, ok := project.Configs[ref.Source]
		if !ok {
			return fmt.Errorf("configs[%d]: no config %q under the top-level configs; define it there (file:, environment: or content:)", i, ref.Source)
		}
		c, err := content("config", fmt.Sprintf("configs[%d]", i), types.FileReferenceConfig(ref), types.FileObjectConfig(def), project.Environment)
		if err != nil {
			return err
		}
		svc.Configs = append(svc.Configs, c)
	}
	return nil
}

// content resolves one service's reference to a secret or config. at names
// the reference in the service ("secrets[0]"); errors about the top-level
// definition name it as secrets.NAME.FIELD.
func content(kind, at string, ref types.FileReferenceConfig, def types.FileObjectConfig, environment types.Mapping) (Content, error) {
	c := Content{Kind: kind, Name: ref.Source, Target: ref.Target, Mode: 0o444}
	top := kind + "s." + ref.Source
	switch {
	case bool(def.External):
		return c, fmt.Errorf("%s: %s.external: not supported by Tandem: an environment never reads %ss kept outside it; give the %s a file: or environment: source", at, top, kind, kind)
	case def.Driver != "" || len(def.DriverOpts) > 0:
		return c, fmt.Errorf("%s: %s.driver: not supported by Tandem (Swarm only); give the %s a file: or environment: source instead", at, top, kind)
	case def.TemplateDriver != "":
		return c, fmt.Errorf("%s: %s.template_driver: not supported by Tandem (Swarm only); write the file as the service should read it", at, top)
	case def.File != "":
		file := def.File
		fi, err := os.Stat(file)
		if err != nil {
			return c, fmt.Errorf("%s: %s.file: %s does not exist; fix the path (relative paths start at the Compose file's folder)", at, top, file)
		}
		if fi.IsDir() {
			return c, fmt.Errorf("%s: %s.file: %s is a folder; a %s is one file: name the file", at, top, file, kind)
		}
		c.From = "file " + file
		c.read = func() ([]byte, error) { return os.ReadFile(file) }
	case def.Environment != "":
		v, ok := environment[def.Environment]
		if !ok {
			return c, fmt.Errorf("%s: %s.environment: the variable %s is not set; export it, or set it in the .env file beside the Compose file", at, top, def.Environment)
		}
		c.From = "environment variable " + def.Environment
		c.read = func() ([]byte, error) { return []byte(v), nil }
	case def.Content != "":
		v := def.Content
		c.From = "content"
		c.read = func() ([]byte, error) { return []byte(v), nil }
	default:
		return c, fmt.Errorf("%s: %s: has no source; give it file: or environment:", at, top)
	}
	switch {
	case c.Target == "" && kind == "secret":
		c.Target = "/run/secrets/" + ref.Source
	case c.Target == "":
		c.Target = "/" + ref.Source
	case !strings.HasPrefix(c.Target, "/") && kind == "secret":
		c.Target = "/run/secrets/" + c.Target
	case !strings.HasPrefix(c.Target, "/"):
		c.Target = "/" + c.Target
	}
	c.Target = path.Clean(c.Target)
	if c.Target == "/" {
		return c, fmt.Errorf("%s.target: the container's root folder; name a file", at)
	}
	if ref.Mode != nil {
		if *ref.Mode < 0 || *ref.Mode > 0o7777 {
			return c, fmt.Errorf("%s.mode: %o is not a file mode; write it in octal, such as 0440", at, *ref.Mode)
		}
		c.Mode = fs.FileMode(*ref.Mode)
	}
	var err error
	if c.UID, err = numericID(ref.UID); err != nil {
		return c, fmt.Errorf("%s.uid: %w", at, err)
	}
	if c.GID, err = numericID(ref.GID); err != nil {
		return c, fmt.Errorf("%s.gid: %w", at, err)
	}
	return c, nil
}

// numericID reads a uid or gid; empty is 0 (root), as docker compose makes it.
func numericID(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a numeric id; give the number (a name would need the image's /etc/passwd, which Tandem does not read)", s)
	}
	return n, nil
}
