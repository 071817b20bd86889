package system

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// Volume is a named volume declared under the Compose file's top-level
// volumes. An environment creates it for its run alone (named
// tandem-RUN-NAME, whatever name the file gives it), labelled with the run,
// and removes it with the run: data never outlives an environment, and two
// runs of one file never share it.
type Volume struct {
	Name   string            // its key under volumes
	Labels map[string]string // labels, none in Tandem's own namespace
}

// Mount is a volume mounted into a service's container.
type Mount struct {
	// Volume is the named volume's key under the top-level volumes; empty
	// for an anonymous volume, which the service has alone.
	Volume   string
	Target   string // absolute path in the container
	ReadOnly bool
	// NoCopy leaves a new volume empty rather than filled with the image's
	// files at Target (volume.nocopy).
	NoCopy bool
	// Labels are an anonymous volume's own labels (volume.labels).
	Labels map[string]string
}

// serviceVolumes reads a service's volumes: bind mounts become Files (copied
// in), named and anonymous volumes Mounts, tmpfs mounts Tmpfs entries.
// Everything else is refused by name.
func serviceVolumes(sc types.ServiceConfig, svc *Service) error {
	for i, v := range sc.Volumes {
		at := fmt.Sprintf("volumes[%d]", i)
		switch v.Type {
		case types.VolumeTypeBind:
			if _, err := os.Stat(v.Source); err != nil {
				return fmt.Errorf("%s: %s does not exist; fix the path (relative paths start at the Compose file's folder)", at, v.Source)
			}
			svc.Files = append(svc.Files, File{Source: v.Source, Target: v.Target})
		case types.VolumeTypeVolume:
			m := Mount{Volume: v.Source, Target: v.Target, ReadOnly: v.ReadOnly}
			if o := v.Volume; o != nil {
				if o.Subpath != "" {
					return fmt.Errorf("%s.volume.subpath: not supported by Tandem (the engine's API 1.41 has no subpath); mount the whole volume and point the service at the folder inside it", at)
				}
				m.NoCopy = o.NoCopy
				if err := ownLabels(at+".volume.labels", o.Labels); err != nil {
					return err
				}
				m.Labels = maps.Clone(map[string]string(o.Labels))
			}
			svc.Mounts = append(svc.Mounts, m)
		case types.VolumeTypeTmpfs:
			var opts []string
			if o := v.Tmpfs; o != nil {
				if o.Size > 0 {
					opts = append(opts, fmt.Sprintf("size=%d", int64(o.Size)))
				}
				if o.Mode != 0 {
					opts = append(opts, fmt.Sprintf("mode=%o", o.Mode))
				}
			}
			t := v.Target
			if len(opts) > 0 {
				t += ":" + strings.Join(opts, ",")
			}
			svc.Container.Tmpfs = append(svc.Container.Tmpfs, t)
		default:
			return fmt.Errorf("%s: %s mounts are not supported by Tandem; use a named volume (data:%s), a bind mount of a host folder, or tmpfs", at, v.Type, v.Target)
		}
	}
	return nil
}

// declaredVolumes checks the top-level volumes that the enabled services
// mount and returns them. A volume that lives outside the environment
// (external) and one with a driver or its options are refused by name.
func declaredVolumes(src *sources, project *types.Project, services []*Service) (map[string]Volume, []error) {
	users := map[string][]string{} // volume → services that mount it
	for _, svc := range services {
		for _, m := range svc.Mounts {
			if m.Volume != "" && !slices.Contains(users[m.Volume], svc.Name) {
				users[m.Volume] = append(users[m.Volume], svc.Name)
			}
		}
	}
	vols := map[string]Volume{}
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(users)) {
		vc := project.Volumes[name]
		refuse := func(field, why string) {
			errs = append(errs, fmt.Errorf("%s: volumes.%s.%s: not supported by Tandem: %s (volume %q is mounted by service %s)",
				src.key("volumes", name, field), name, field, why, name, strings.Join(quoted(users[name]), ", ")))
		}
		if vc.External {
			refuse("external", "an environment creates its own volumes and never touches data outside it; remove external: true, and seed the data with a bind mount (./seed:/path) if the service needs some")
			continue
		}
		if vc.Driver != "" && vc.Driver != "local" {
			refuse("driver", "volumes use the engine's local driver; remove driver")
		}
		if len(vc.DriverOpts) > 0 {
			refuse("driver_opts", "volumes are plain local volumes; remove driver_opts (to mount a host folder, use a bind mount instead)")
		}
		if err := ownLabels("labels", vc.Labels); err != nil {
			errs = append(errs, fmt.Errorf("%s: volumes.%s.%w", src.key("volumes", name, "labels"), name, err))
		}
		vols[name] = Volume{Name: name, Labels: maps.Clone(map[string]string(vc.Labels))}
	}
	return vols, errs
}

// ownLabels refuses labels in Tandem's own namespace.
func ownLabels(field string, labels map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if strings.HasPrefix(k, "dev.tandem.") {
			return fmt.Errorf("%s.%s: the dev.tandem. prefix is Tandem's own (it finds and removes a run's resources by it); rename the label", field, k)
		}
	}
	return nil
}

func quoted(names []string) []string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return q
}
