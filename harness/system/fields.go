package system

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// Support says what Tandem does with a Compose service field.
type Support string

// The statuses a Compose service field can have.
const (
	// Honoured: the field reaches the container as docker compose would.
	Honoured Support = "honoured"
	// Refused: a file that sets the field is refused, naming the field and
	// what to do instead.
	Refused Support = "refused"
	// Ignored: the field is accepted and has no effect, for the reason given.
	Ignored Support = "ignored"
)

// Field is the status of one Compose service field and, for refused and
// ignored ones, why and what to do instead.
type Field struct {
	Support Support
	Note    string
	// allow, for a refused field, accepts the values that are harmless
	// (scale: 1); nil refuses every value that is set.
	allow func(reflect.Value) bool
}

// ComposeFields is every field of a Compose service (compose-go's
// types.ServiceConfig, with build.*, deploy.* and deploy.resources.*), by its
// name in the file, and what Tandem does with it. It is the source of truth
// for the README's table and for what Load refuses; a test walks compose-go's
// types by reflection so that a field added upstream cannot slip through
// without a status.
var ComposeFields = map[string]Field{
	"annotations":         refused("annotations are for orchestrators; use labels"),
	"attach":              ignored("Tandem always collects every service's log to the run's logs folder"),
	"blkio_config":        refused("block I/O weights are not supported; remove it"),
	"build":               {Support: Honoured, Note: "built with the engine's classic builder before any container starts, tagged with the image name or tandem.local/build/SERVICE:CONTENT-HASH, and rebuilt only when the context, Dockerfile, target or args change; BuildKit-only Dockerfile syntax is refused by file:line; see build.*"},
	"cap_add":             refused("containers run with the engine's default capabilities; remove it, or run the test against a deployment that grants it"),
	"cap_drop":            refused("containers run with the engine's default capabilities; remove it"),
	"cgroup":              refused("containers use the engine's default cgroup namespace; remove it"),
	"cgroup_parent":       refused("containers use the engine's default cgroup; remove it"),
	"command":             honoured(),
	"configs":             {Support: Honoured, Note: "file, environment and content sources, copied in before the container starts at the target (default /NAME), with mode, uid and gid; external is refused"},
	"container_name":      ignored("Tandem names containers per run (tandem-RUN-SERVICE) so that runs never collide"),
	"cpu_count":           refused("use cpus"),
	"cpu_percent":         refused("use cpus"),
	"cpu_period":          refused("use cpus"),
	"cpu_quota":           refused("use cpus"),
	"cpu_rt_period":       refused("real-time scheduling is not supported; remove it"),
	"cpu_rt_runtime":      refused("real-time scheduling is not supported; remove it"),
	"cpu_shares":          refused("use cpus"),
	"cpus":                {Support: Honoured, Note: "the service's CPU limit (NanoCPUs)"},
	"cpuset":              refused("use cpus"),
	"credential_spec":     refused("Windows containers only; remove it"),
	"depends_on":          honoured(),
	"deploy":              {Support: Honoured, Note: "see deploy.*"},
	"develop":             ignored("watch mode is for docker compose watch; Tandem runs images as they are"),
	"device_cgroup_rules": refused("host devices are not given to test containers; remove it"),
	"devices":             refused("host devices are not given to test containers; remove it"),
	"dns":                 refused("services resolve each other on the environment's own network; remove it"),
	"dns_opt":             refused("services resolve each other on the environment's own network; remove it"),
	"dns_search":          refused("services resolve each other on the environment's own network; remove it"),
	"dockerfile":          refused("name the Dockerfile under build.dockerfile"),
	"domainname":          refused("services reach each other by name on the environment's network; remove it"),
	"entrypoint":          honoured(),
	"env_file":            {Support: Honoured, Note: "read when the file is loaded; its variables join environment"},
	"environment":         honoured(),
	"expose":              honoured(),
	"extends":             {Support: Honoured, Note: "resolved when the file is loaded"},
	"external_links":      refused("an environment reaches only its own services; run the other container as a service of the system"),
	"extra_hosts":         {Support: Honoured, Note: "extra /etc/hosts entries"},
	"gpus":                refused("GPUs are not given to test containers; remove it"),
	"group_add":           refused("not supported; use user with the group (user: UID:GID)"),
	"healthcheck":         honoured(),
	"hostname":            {Support: Honoured, Note: "the container's host name; services still reach each other by service name and aliases"},
	"image":               honoured(),
	"init":                {Support: Honoured, Note: "an init process runs as PID 1"},
	"ipc":                 refused("containers keep their own IPC namespace; remove it"),
	"isolation":           refused("Windows containers only; remove it"),
	"label_file":          refused("write the labels under labels"),
	"labels":              {Support: Honoured, Note: "labels in Tandem's own namespace (dev.tandem.) are refused"},
	"links": {Support: Refused, Note: "allowed only as plain service names (every service reaches every other by name); use networks.NAME.aliases for another name",
		allow: plainLinks},
	"log_driver":         ignored("Tandem reads every log through the engine with its default driver"),
	"log_opt":            ignored("Tandem reads every log through the engine with its default driver"),
	"logging":            ignored("Tandem reads every log through the engine with its default driver"),
	"mac_address":        refused("the engine assigns addresses on the environment's network; remove it"),
	"mem_limit":          {Support: Honoured, Note: "the service's memory limit"},
	"mem_reservation":    refused("soft memory limits are not supported; use mem_limit"),
	"mem_swappiness":     refused("not supported; remove it"),
	"memswap_limit":      refused("not supported; use mem_limit"),
	"models":             refused("AI models are not supported; remove it"),
	"name":               {Support: Honoured, Note: "the service's name (its key under services)"},
	"net":                refused("every service joins the environment's own network; remove it"),
	"network_mode":       refused("every service joins the environment's own network, where services reach each other by name; remove it (host, none and service: modes are not supported)"),
	"networks":           {Support: Honoured, Note: "every service joins the environment's own network; aliases are honoured"},
	"oom_kill_disable":   refused("not supported; remove it"),
	"oom_score_adj":      refused("not supported; remove it"),
	"pid":                refused("containers keep their own PID namespace; remove it"),
	"pids_limit":         refused("not supported; remove it"),
	"platform":           refused("images run on the engine's own platform; build or import them for it and remove platform"),
	"ports":              {Support: Honoured, Note: "published on 127.0.0.1 only; a host port the file names is honoured"},
	"post_start":         refused("lifecycle hooks are not supported; run the step in the image's entrypoint"),
	"pre_start":          refused("lifecycle hooks are not supported; run the step as a one-shot service others depend on (service_completed_successfully)"),
	"pre_stop":           refused("lifecycle hooks are not supported; handle the stop signal in the service"),
	"privileged":         refused("test containers never run privileged; remove it"),
	"profiles":           {Support: Honoured, Note: "the service starts only when one of its profiles is enabled (--profile NAME, COMPOSE_PROFILES)"},
	"provider":           refused("provider services are not supported; run the dependency as a container image"),
	"pull_policy":        ignored("Tandem uses an image already on the engine, builds it when the service has build, and pulls it only when missing"),
	"pull_refresh_after": ignored("Tandem pulls only an image that is missing; see pull_policy"),
	"read_only":          refused("not supported yet; remove it"),
	"restart":            ignored("environments are disposable: a service that exits is reported (with its exit code and last log lines), not restarted"),
	"runtime":            refused("containers run with the engine's default runtime; remove it"),
	"scale": {Support: Refused, Note: "one container per service; scale: 1 is accepted; start another copy as a stack instead",
		allow: pointsAtOne},
	"secrets":           {Support: Honoured, Note: "file and environment sources, copied in before the container starts at /run/secrets/NAME (or the target), with mode, uid and gid; never logged; external is refused"},
	"security_opt":      refused("containers run with the engine's default security options; remove it"),
	"shm_size":          {Support: Honoured, Note: "the size of /dev/shm"},
	"stdin_open":        ignored("no terminal is attached to a test container"),
	"stop_grace_period": {Support: Honoured, Note: "how long StopService waits before it kills the container"},
	"stop_signal":       {Support: Honoured, Note: "the signal StopService sends"},
	"storage_opt":       refused("containers use the engine's default storage; remove it"),
	"sysctls":           refused("not supported; remove it"),
	"tmpfs":             {Support: Honoured, Note: "in-memory mounts, with their options"},
	"tty":               ignored("no terminal is attached to a test container"),
	"ulimits":           refused("not supported; remove it"),
	"umask":             refused("not supported; set the umask in the image's entrypoint"),
	"use_api_socket":    refused("test containers are never given the engine's socket; remove it"),
	"user":              honoured(),
	"userns_mode":       refused("containers use the engine's default user namespace; remove it"),
	"uts":               refused("containers keep their own UTS namespace; remove it"),
	"volume_driver":     refused("volumes use the engine's local driver; remove it"),
	"volumes":           {Support: Honoured, Note: "bind mounts: the file or folder (its whole tree, with modes) is copied in before the container starts; named and anonymous volumes (and the image's own VOLUMEs): created per run, labelled, kept across StopService/StartService, removed with the run; tmpfs; external volumes, volume drivers and subpath are refused"},
	"volumes_from":      refused("containers do not share volumes; bind-mount the same host folder into both"),
	"working_dir":       honoured(),
	"x-*":               {Support: Honoured, Note: "x-tandem holds Tandem's settings; other extensions are left to their tools"},

	"build.additional_contexts": refused("the engine's classic builder takes one context; remove it"),
	"build.args":                honoured(),
	"build.cache_from":          refused("the engine's classic builder caches by itself; remove it"),
	"build.cache_to":            refused("the engine's classic builder caches by itself; remove it"),
	"build.context":             honoured(),
	"build.dockerfile":          honoured(),
	"build.dockerfile_inline":   refused("write the Dockerfile to a file and name it in build.dockerfile"),
	"build.entitlements":        refused("BuildKit only; the engine's classic builder has none; remove it"),
	"build.extra_hosts":         refused("builds reach no network but the engine's; remove it"),
	"build.isolation":           refused("Windows containers only; remove it"),
	"build.labels":              refused("not supported; set LABEL in the Dockerfile"),
	"build.network":             refused("builds use the engine's default network; remove it"),
	"build.no_cache":            refused("not supported; remove it"),
	"build.no_cache_filter":     refused("BuildKit only; remove it"),
	"build.platforms":           refused("images are built for the engine's own platform; remove it"),
	"build.privileged":          refused("builds never run privileged; remove it"),
	"build.provenance":          refused("BuildKit only; remove it"),
	"build.pull":                refused("no registry is reachable; remove it"),
	"build.sbom":                refused("BuildKit only; remove it"),
	"build.secrets":             refused("BuildKit only; pass values as build.args instead"),
	"build.shm_size":            refused("not supported; remove it"),
	"build.ssh":                 refused("BuildKit only; remove it"),
	"build.tags":                refused("Tandem tags the image with the service's image name; remove it"),
	"build.target":              honoured(),
	"build.ulimits":             refused("not supported; remove it"),
	"build.x-*":                 ignored("extensions are left to their tools"),

	"deploy.endpoint_mode": ignored("Swarm only; docker compose ignores it too"),
	"deploy.labels":        ignored("Swarm service labels; docker compose ignores them too"),
	"deploy.mode":          ignored("Swarm only; one container per service"),
	"deploy.placement":     ignored("Swarm only; docker compose ignores it too"),
	"deploy.replicas": {Support: Refused, Note: "one container per service; replicas: 1 is accepted; start another copy as a stack instead",
		allow: pointsAtOne},
	"deploy.resources":                          {Support: Honoured, Note: "see deploy.resources.*"},
	"deploy.resources.limits":                   {Support: Honoured, Note: "see deploy.resources.limits.*"},
	"deploy.resources.limits.cpus":              {Support: Honoured, Note: "as cpus"},
	"deploy.resources.limits.devices":           refused("host devices are not given to test containers; remove it"),
	"deploy.resources.limits.generic_resources": refused("Swarm only; remove it"),
	"deploy.resources.limits.memory":            {Support: Honoured, Note: "as mem_limit"},
	"deploy.resources.limits.pids":              refused("not supported; remove it"),
	"deploy.resources.limits.x-*":               ignored("extensions are left to their tools"),
	"deploy.resources.reservations":             refused("reservations are not supported; use deploy.resources.limits"),
	"deploy.resources.x-*":                      ignored("extensions are left to their tools"),
	"deploy.restart_policy":                     ignored("environments are disposable: a service that exits is reported, not restarted"),
	"deploy.rollback_config":                    ignored("Swarm only; docker compose ignores it too"),
	"deploy.update_config":                      ignored("Swarm only; docker compose ignores it too"),
	"deploy.x-*":                                ignored("extensions are left to their tools"),
}

func honoured() Field           { return Field{Support: Honoured} }
func refused(note string) Field { return Field{Support: Refused, Note: note} }
func ignored(note string) Field { return Field{Support: Ignored, Note: note} }

// nested are the fields whose own fields have statuses of their own.
var nested = map[string]bool{"build": true, "deploy": true, "deploy.resources": true, "deploy.resources.limits": true}

// walkFields calls visit for every field of a Compose struct, by its name in
// the file (prefix + yaml name; "x-*" for extensions), descending into the
// nested ones. v may be the zero Value of a nil pointer: then every field is
// visited with an invalid value, which is how the test lists them all.
func walkFields(t reflect.Type, v reflect.Value, prefix string, visit func(name string, v reflect.Value)) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		var fv reflect.Value
		if v.IsValid() {
			fv = v.Field(i)
		}
		switch {
		case tag == "-":
			continue // computed by compose-go, not written in files
		case f.Anonymous && strings.Contains(f.Tag.Get("yaml"), "inline"):
			walkFields(f.Type, fv, prefix, visit)
			continue
		case strings.HasPrefix(tag, "#extensions"):
			tag = "x-*"
		}
		name := prefix + tag
		visit(name, fv)
		if nested[name] {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
				if fv.IsValid() {
					if fv.IsNil() {
						fv = reflect.Value{}
					} else {
						fv = fv.Elem()
					}
				}
			}
			walkFields(ft, fv, name+".", visit)
		}
	}
}

// refuseUnsupported refuses every field of sc that Tandem can't honour, each
// by name with what to do instead.
func refuseUnsupported(sc types.ServiceConfig) []error {
	var errs []error
	walkFields(reflect.TypeFor[types.ServiceConfig](), reflect.ValueOf(sc), "", func(name string, v reflect.Value) {
		f, known := ComposeFields[name]
		if !v.IsValid() || v.IsZero() {
			return
		}
		switch {
		case !known:
			errs = append(errs, fmt.Errorf("%s: Tandem does not know this Compose field yet; remove it, or ask for it to be supported", name))
		case f.Support == Refused && (f.allow == nil || !f.allow(v)):
			errs = append(errs, fmt.Errorf("%s: not supported by Tandem: %s", name, f.Note))
		}
	})
	return errs
}

// pointsAtOne accepts a count of one (scale: 1, deploy.replicas: 1).
func pointsAtOne(v reflect.Value) bool {
	return v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Int && v.Elem().Int() == 1
}

// plainLinks accepts links that only name services ("db", "db:db"): every
// service reaches every other by name on the environment's network anyway.
func plainLinks(v reflect.Value) bool {
	for _, l := range v.Interface().([]string) {
		if svc, alias, ok := strings.Cut(l, ":"); ok && svc != alias {
			return false
		}
	}
	return true
}
