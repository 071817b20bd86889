package system

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// Load reads and validates a system described by one or more Compose files.
// Several files are merged the way `docker compose -f a.yaml -f b.yaml` merges
// them: later files override and extend earlier ones, relative paths start at
// the first file's folder, and the project takes its name from the last file
// that names one. Variables are interpolated from the process environment and
// a .env file beside the first file, as docker compose does.
//
// Services with profiles start only when one of their profiles is enabled;
// the enabled profiles come from COMPOSE_PROFILES, as with docker compose
// (LoadWith and WithProfiles name them instead).
//
// Errors name the file (and the line, where one can be found) that sets the
// value at fault, the service and the field.
func Load(ctx context.Context, paths ...string) (*System, error) {
	return LoadWith(ctx, paths)
}

// LoadWith is Load with options, such as WithProfiles.
func LoadWith(ctx context.Context, paths []string, options ...LoadOption) (*System, error) {
	var o loadOptions
	for _, opt := range options {
		opt(&o)
	}
	if len(paths) == 0 {
		return nil, errors.New("load system: no Compose file given; pass one with -f")
	}
	src := &sources{paths: paths}
	for _, path := range paths {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("load system %s: %w", path, err)
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("load system: %s does not exist; pass the path of a Compose file with -f", path)
		}
		src.abs = append(src.abs, abs)
	}
	opts, err := cli.NewProjectOptions(src.abs,
		cli.WithWorkingDirectory(filepath.Dir(src.abs[0])),
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithResolvedPaths(true),
		// Every service loads and is checked; the enabled profiles are
		// applied below, so that a dependency on a service whose profile is
		// not enabled can be explained.
		cli.WithProfiles([]string{"*"}),
	)
	if err != nil {
		return nil, fmt.Errorf("load system %s: %w", src, err)
	}
	project, err := opts.LoadProject(ctx)
	if err != nil {
		return nil, src.composeProblem(err)
	}
	active, err := activeProfiles(src, o, project)
	if err != nil {
		return nil, err
	}
	sys := &System{Name: project.Name, File: src.abs[0], Files: src.abs, Services: map[string]*Service{}}
	var errs []error
	var services []*Service
	for _, name := range project.ServiceNames() {
		sc := project.Services[name]
		if !sc.HasProfile(active) {
			continue // its profiles are not enabled
		}
		if refusals := refuseUnsupported(sc); len(refusals) > 0 {
			for _, err := range refusals {
				errs = append(errs, fmt.Errorf("%s: service %q: %w", src.field(name, err.Error()), name, err))
			}
			continue
		}
		svc, err := convert(project, sc)
		if err == nil {
			err = enabledDependencies(project, sc, svc, active)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: service %q: %w", src.field(name, err.Error()), name, err))
			continue
		}
		sys.Services[name] = svc
		services = append(services, svc)
	}
	vols, verrs := declaredVolumes(src, project, services)
	sys.Volumes = vols
	errs = append(errs, verrs...)
	errs = append(errs, hostPortClashes(src, sys)...)
	if len(sys.Services) == 0 && len(errs) == 0 {
		if len(project.Services) > 0 {
			errs = append(errs, fmt.Errorf("%s: services: every service has profiles, and none of them is enabled; enable one with --profile NAME (or COMPOSE_PROFILES)", src))
		} else {
			errs = append(errs, fmt.Errorf("%s: services: the file defines no service", src))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return sys, nil
}

// enabledDependencies drops the optional dependencies (required: false) on
// services whose profiles are not enabled, as docker compose does, and
// refuses the required ones.
func enabledDependencies(project *types.Project, sc types.ServiceConfig, svc *Service, active []string) error {
	for _, dep := range slices.Sorted(maps.Keys(sc.DependsOn)) {
		target, ok := project.Services[dep]
		if !ok || target.HasProfile(active) {
			continue
		}
		if !sc.DependsOn[dep].Required {
			delete(svc.DependsOn, dep)
			continue
		}
		return disabledDependency(sc.Name, dep, target.Profiles)
	}
	return nil
}

func convert(project *types.Project, sc types.ServiceConfig) (*Service, error) {
	svc := &Service{
		Name:        sc.Name,
		Image:       sc.Image,
		Environment: map[string]string{},
		Command:     sc.Command,
		Entrypoint:  sc.Entrypoint,
		DependsOn:   map[string]Condition{},
	}
	if sc.Build != nil {
		svc.Build = &Build{Context: sc.Build.Context, Dockerfile: sc.Build.Dockerfile, Target: sc.Build.Target, Args: map[string]string{}}
		for k, v := range sc.Build.Args {
			if v != nil {
				svc.Build.Args[k] = *v
			}
		}
	}
	if svc.Image == "" && svc.Build == nil {
		return nil, errors.New("image: missing; name an image (e.g. image: tandem.local/shop-catalog:1.0) or a build context")
	}
	for k, v := range sc.Environment {
		if v == nil {
			return nil, fmt.Errorf("environment.%s: has no value and is not set in the environment; give it a value", k)
		}
		svc.Environment[k] = *v
	}
	for dep, d := range sc.DependsOn {
		c := Condition(d.Condition)
		if c == "" {
			c = ServiceStarted
		}
		svc.DependsOn[dep] = c
	}
	for i, p := range sc.Ports {
		if p.Target == 0 {
			return nil, fmt.Errorf("ports[%d]: no container port", i)
		}
		svc.Ports = appendPort(svc.Ports, int(p.Target))
		if p.Published == "" {
			continue
		}
		host, err := strconv.Atoi(p.Published)
		if err != nil || host <= 0 || host > 65535 {
			return nil, fmt.Errorf("ports[%d]: host port %q: name one port (\"8080:%d\"), or leave it out (\"%d\") and Tandem picks a free one", i, p.Published, p.Target, p.Target)
		}
		if svc.HostPorts == nil {
			svc.HostPorts = map[int]int{}
		}
		svc.HostPorts[int(p.Target)] = host
	}
	for i, e := range sc.Expose {
		n, err := strconv.Atoi(strings.TrimSuffix(e, "/tcp"))
		if err != nil {
			return nil, fmt.Errorf("expose[%d]: %q is not a TCP port number", i, e)
		}
		svc.Ports = appendPort(svc.Ports, n)
	}
	for _, n := range sc.Networks {
		if n != nil {
			svc.Aliases = append(svc.Aliases, n.Aliases...)
		}
	}
	if hc := sc.HealthCheck; hc != nil && !hc.Disable && len(hc.Test) > 0 && hc.Test[0] != "NONE" {
		svc.Healthcheck = &Healthcheck{
			Test:        hc.Test,
			Interval:    dur(hc.Interval, time.Second),
			Timeout:     dur(hc.Timeout, 5*time.Second),
			StartPeriod: dur(hc.StartPeriod, 0),
			Retries:     3,
		}
		if hc.Retries != nil {
			svc.Healthcheck.Retries = int(*hc.Retries)
		}
	}
	c, err := containerSettings(sc)
	if err != nil {
		return nil, err
	}
	svc.Container = c
	if err := serviceVolumes(sc, svc); err != nil {
		return nil, err
	}
	if err := serviceContents(project, sc, svc); err != nil {
		return nil, err
	}
	t, err := decodeTandem(sc.Extensions[Extension])
	if err != nil {
		return nil, err
	}
	if t.Port == 0 && len(svc.Ports) > 0 {
		t.Port = svc.Ports[0]
	}
	if t.Port != 0 {
		svc.Ports = appendPort(svc.Ports, t.Port)
	}
	if t.Ready.Port == 0 {
		t.Ready.Port = t.Port
	}
	if t.Ready.Port != 0 {
		svc.Ports = appendPort(svc.Ports, t.Ready.Port)
	}
	if (t.Ready.HTTP != "" || t.Ready.SQL != "") && t.Ready.Port == 0 {
		return nil, fmt.Errorf("%s.ready: the probe needs a port; set %s.port or publish one under ports", Extension, Extension)
	}
	if t.Proxy && len(svc.Ports) == 0 {
		return nil, fmt.Errorf("%s.proxy: the service has no port to put a proxy in front of; set %s.port or list its ports under ports or expose", Extension, Extension)
	}
	svc.Tandem = t
	return svc, nil
}

func appendPort(ports []int, p int) []int {
	for _, q := range ports {
		if q == p {
			return ports
		}
	}
	return append(ports, p)
}

func dur(d *types.Duration, def time.Duration) time.Duration {
	if d == nil {
		return def
	}
	return time.Duration(*d)
}

// composeProblem rewrites compose-go's messages into ones that name the file
// and line, the field and the fix.
func (src *sources) composeProblem(err error) error {
	i, msg := src.named(err.Error())
	msg = strings.TrimSuffix(msg, ": invalid compose project")
	where := src.String()
	if i >= 0 {
		where = src.paths[i]
	}
	if m := falseSchema.FindStringSubmatch(msg); m != nil {
		if i >= 0 {
			where = src.at(i, append(strings.Split(m[1], "."), m[2])...)
		}
		return fmt.Errorf("%s: %s: unknown field %q; check its spelling against the Compose specification (Tandem settings go under %s)", where, m[1], m[2], Extension)
	}
	if strings.HasPrefix(msg, "yaml: ") {
		return fmt.Errorf("%s: not valid YAML: %s; fix the file at that line (often the indentation, or a bracket or quote left open)", where, strings.TrimPrefix(msg, "yaml: "))
	}
	if i < 0 { // a problem of the merged services: where the service says so
		if m := undefinedDependency.FindStringSubmatch(msg); m != nil {
			where = src.field(m[1], "depends_on."+m[2])
		} else if m := cycleStart.FindStringSubmatch(msg); m != nil {
			where = src.field(m[1], "depends_on")
		} else if m := serviceNamed.FindStringSubmatch(msg); m != nil {
			where = src.field(m[1], "")
		}
	}
	switch {
	case strings.Contains(msg, "depends on undefined service"):
		return fmt.Errorf("%s: %s; fix the name under depends_on, or add that service to the file", where, msg)
	case strings.Contains(msg, "dependency cycle detected"):
		return fmt.Errorf("%s: %s; services cannot wait for each other in a circle: remove one of these depends_on", where, msg)
	}
	return fmt.Errorf("%s: %s", where, msg)
}

var (
	falseSchema         = regexp.MustCompile(`^(.*)\.([^.]+) false schema$`)
	undefinedDependency = regexp.MustCompile(`service "([^"]+)" depends on undefined service "([^"]+)"`)
	cycleStart          = regexp.MustCompile(`dependency cycle detected: ([^ ]+) ->`)
	serviceNamed        = regexp.MustCompile(`^service "([^"]+)"`)
)

// hostPortClashes finds fixed host ports that two services (or two ports of
// one) ask for: the second could never start.
func hostPortClashes(src *sources, sys *System) []error {
	owner := map[int]string{}
	var errs []error
	for _, name := range sys.Names() {
		svc := sys.Services[name]
		ports := make([]int, 0, len(svc.HostPorts))
		for target := range svc.HostPorts {
			ports = append(ports, target)
		}
		slices.Sort(ports)
		for _, target := range ports {
			host := svc.HostPorts[target]
			this := fmt.Sprintf("%s (\"%d:%d\")", name, host, target)
			if other, taken := owner[host]; taken {
				errs = append(errs, fmt.Errorf("%s: host port %d is published twice, by %s and by %s; give each its own host port, or leave the host port out (\"%d\") and Tandem picks free ones",
					src.field(name, "ports"), host, other, this, target))
				continue
			}
			owner[host] = this
		}
	}
	return errs
}
