package system

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// System is a set of services described by one Compose file, or by several
// merged in order (as `docker compose -f a.yaml -f b.yaml` merges them).
type System struct {
	// Name is the Compose project name.
	Name string
	// File is the absolute path of the (first) Compose file.
	File string
	// Files are the absolute paths of all its Compose files, in the order
	// they were merged; Files[0] is File.
	Files []string
	// Services by name.
	Services map[string]*Service
	// Volumes are the named volumes of the top-level volumes that services
	// mount, by name. An environment creates each per run and removes it
	// with the run.
	Volumes map[string]Volume
}

// Service is one service of a system, reduced to what Tandem needs to run it.
type Service struct {
	Name        string
	Image       string
	Build       *Build
	Environment map[string]string
	Command     []string
	Entrypoint  []string
	// Ports are the container ports to publish on 127.0.0.1, on host ports
	// the engine picks, so that environments never collide...
	Ports []int
	// HostPorts are the exceptions: container port → the fixed host port a
	// Compose file asks for ("8080:80"). Two runs of such a file clash, and
	// Tandem says so before it starts anything.
	HostPorts   map[int]int
	DependsOn   map[string]Condition
	Healthcheck *Healthcheck
	// Aliases are extra network aliases; the service name is always one.
	Aliases []string
	// Files are bind-mounted host files or folders, copied into the container
	// before it starts (seed data, configuration).
	Files []File
	// Mounts are the named and anonymous volumes mounted into the container.
	Mounts []Mount
	// Secrets and Configs are the files the container gets from the Compose
	// file's secrets and configs, copied in before it starts.
	Secrets, Configs []Content
	// Container holds user, working_dir, tmpfs, extra_hosts, init, the stop
	// signal and grace period, and the memory and CPU limits.
	Container Container
	// Tandem holds the settings from the service's x-tandem field.
	Tandem Tandem
}

// Build describes how to build a service's image, with the engine's classic
// builder, before any container of the environment starts.
type Build struct {
	// Context is the absolute path of the build context folder.
	Context string
	// Dockerfile is the Dockerfile's path, relative to Context unless absolute.
	Dockerfile string
	// Target is the stage to build ("" for the last).
	Target string
	Args   map[string]string
}

// Condition is a depends_on condition.
type Condition string

// The depends_on conditions of the Compose specification.
const (
	ServiceStarted               Condition = "service_started"
	ServiceHealthy               Condition = "service_healthy"
	ServiceCompletedSuccessfully Condition = "service_completed_successfully"
)

// Healthcheck is a Compose healthcheck, run by the Docker engine.
type Healthcheck struct {
	Test        []string
	Interval    time.Duration
	Timeout     time.Duration
	Retries     int
	StartPeriod time.Duration
}

// File is a host file or folder copied into a container.
type File struct {
	Source string // absolute host path
	Target string // path in the container
}

// Names returns the service names in alphabetical order.
func (s *System) Names() []string {
	names := make([]string, 0, len(s.Services))
	for n := range s.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Service returns the named service, or an error that lists the known ones.
func (s *System) Service(name string) (*Service, error) {
	svc, ok := s.Services[name]
	if !ok {
		return nil, fmt.Errorf("%s: no service %q; services are %v", s.files(), name, s.Names())
	}
	return svc, nil
}

// Proxied returns the names of the services marked x-tandem.proxy, in
// alphabetical order.
func (s *System) Proxied() []string {
	var names []string
	for _, n := range s.Names() {
		if s.Services[n].Tandem.Proxy {
			names = append(names, n)
		}
	}
	return names
}

// Order returns the services in dependency order (dependencies first), ties broken
// by name so the order is stable.
func (s *System) Order() []string {
	var order []string
	done := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		if done[n] {
			return
		}
		done[n] = true
		deps := make([]string, 0, len(s.Services[n].DependsOn))
		for d := range s.Services[n].DependsOn {
			deps = append(deps, d)
		}
		slices.Sort(deps)
		for _, d := range deps {
			visit(d)
		}
		order = append(order, n)
	}
	for _, n := range s.Names() {
		visit(n)
	}
	return order
}

// Subset returns a copy of the system with the named services and everything they
// depend on, transitively.
func (s *System) Subset(names ...string) (*System, error) {
	keep := map[string]bool{}
	var add func(string) error
	add = func(n string) error {
		svc, err := s.Service(n)
		if err != nil {
			return err
		}
		if keep[n] {
			return nil
		}
		keep[n] = true
		for d := range svc.DependsOn {
			if err := add(d); err != nil {
				return err
			}
		}
		return nil
	}
	for _, n := range names {
		if err := add(n); err != nil {
			return nil, err
		}
	}
	sub := &System{Name: s.Name, File: s.File, Files: s.Files, Services: map[string]*Service{}, Volumes: s.Volumes}
	for n := range keep {
		sub.Services[n] = s.Services[n]
	}
	return sub, nil
}

// Version is the service's version: its image tag ("1.0" of name:1.0), or
// "latest" when the image names none.
func (s *Service) Version() string {
	for i := len(s.Image) - 1; i >= 0 && s.Image[i] != '/'; i-- {
		if s.Image[i] == ':' {
			return s.Image[i+1:]
		}
	}
	return "latest"
}

// WithImage returns a copy of the system whose service runs image instead.
func (s *System) WithImage(service, image string) (*System, error) {
	orig, err := s.Service(service)
	if err != nil {
		return nil, err
	}
	c := &System{Name: s.Name, File: s.File, Files: s.Files, Services: make(map[string]*Service, len(s.Services)), Volumes: s.Volumes}
	for n, svc := range s.Services {
		c.Services[n] = svc
	}
	copied := *orig
	copied.Image = image
	c.Services[service] = &copied
	return c, nil
}

// Standalone is a system of one image run alone: its HTTP port and, if not
// empty, the health path that says it is ready.
func Standalone(name, image string, port int, health string) *System {
	svc := &Service{
		Name: name, Image: image, Environment: map[string]string{}, DependsOn: map[string]Condition{},
		Ports:  []int{port},
		Tandem: Tandem{Port: port, Ready: Ready{HTTP: health, Port: port}},
	}
	return &System{Name: name, File: "(image " + image + " alone)", Services: map[string]*Service{name: svc}}
}
