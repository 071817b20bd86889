package env

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/tandem-harness/tandem/harness/system"
)

// A run's volumes are created by Tandem, not by the engine on the fly, so
// that each carries the run's labels: Stop and `tandem down` find them by
// dev.tandem.run, and testcontainers' reaper by the session's label after
// the process was killed. Their names hold the run id, so runs never share
// data. A service's volumes stay while its container is stopped and started
// again (StopService, StartService); Stop removes them.

// VolumeName is the engine's name of a named volume (its key under the
// Compose file's top-level volumes) in run runID: tandem-RUN-NAME.
func VolumeName(runID, volume string) string { return "tandem-" + runID + "-" + volume }

// anonymousVolumeName is the engine's name of a service's anonymous volume
// at target: tandem-RUN-SERVICE-HASH, the hash of the target.
func anonymousVolumeName(runID, service, target string) string {
	h := sha256.Sum256([]byte(path.Clean(target)))
	return "tandem-" + runID + "-" + service + "-" + hex.EncodeToString(h[:6])
}

// volumeLabels are the labels of a run's volume: the run's (as its
// containers and network have them), testcontainers' session labels (which
// its reaper removes by), and the Compose file's own.
func (e *Env) volumeLabels(service string, own map[string]string) map[string]string {
	l := testcontainers.GenericLabels()
	maps.Copy(l, own)
	maps.Copy(l, e.labels(service))
	return l
}

// createVolumes creates the named volumes the system's services mount, once
// each, before any container.
func (e *Env) createVolumes(ctx context.Context) error {
	done := map[string]bool{}
	for _, name := range e.System.Names() {
		for _, m := range e.System.Services[name].Mounts {
			if m.Volume == "" || done[m.Volume] {
				continue
			}
			done[m.Volume] = true
			v := VolumeName(e.RunID, m.Volume)
			if err := e.createVolume(ctx, v, "", e.System.Volumes[m.Volume].Labels); err != nil {
				return fmt.Errorf("create volume %s (%s): %w", m.Volume, v, err)
			}
		}
	}
	return nil
}

func (e *Env) createVolume(ctx context.Context, name, service string, labels map[string]string) error {
	_, err := e.cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: name, Labels: e.volumeLabels(service, labels)})
	return err
}

// serviceMounts creates the service's anonymous volumes, and one for each
// VOLUME of its image that nothing else mounts over (the engine would
// otherwise make them without the run's labels), and returns the mounts of
// every volume of the service's container.
func (e *Env) serviceMounts(ctx context.Context, svc *system.Service) ([]mount.Mount, error) {
	var mounts []mount.Mount
	taken := map[string]bool{}
	add := func(source, target string, readOnly, noCopy bool) {
		m := mount.Mount{Type: mount.TypeVolume, Source: source, Target: target, ReadOnly: readOnly}
		if noCopy {
			m.VolumeOptions = &mount.VolumeOptions{NoCopy: true}
		}
		mounts = append(mounts, m)
		taken[path.Clean(target)] = true
	}
	for _, m := range svc.Mounts {
		if m.Volume != "" {
			add(VolumeName(e.RunID, m.Volume), m.Target, m.ReadOnly, m.NoCopy)
			continue
		}
		v := anonymousVolumeName(e.RunID, svc.Name, m.Target)
		if err := e.createVolume(ctx, v, svc.Name, m.Labels); err != nil {
			return nil, fmt.Errorf("create the anonymous volume of %s at %s: %w", svc.Name, m.Target, err)
		}
		add(v, m.Target, m.ReadOnly, m.NoCopy)
	}
	imageVolumes, err := e.imageVolumes(ctx, svc)
	if err != nil {
		return nil, err
	}
	for _, t := range svc.Container.Tmpfs {
		p, _, _ := strings.Cut(t, ":")
		taken[path.Clean(p)] = true
	}
	for _, target := range imageVolumes {
		if taken[path.Clean(target)] {
			continue
		}
		v := anonymousVolumeName(e.RunID, svc.Name, target)
		if err := e.createVolume(ctx, v, svc.Name, nil); err != nil {
			return nil, fmt.Errorf("create a volume for the VOLUME %s of %s's image: %w", target, svc.Name, err)
		}
		add(v, target, false, false)
	}
	return mounts, nil
}

// imageVolumes are the VOLUME paths of the service's image, sorted; none
// when the image is still to be built (the engine then makes its volumes,
// and removes them with the container).
func (e *Env) imageVolumes(ctx context.Context, svc *system.Service) ([]string, error) {
	if svc.Image == "" {
		return nil, nil
	}
	res, err := e.cli.ImageInspect(ctx, svc.Image)
	if err != nil {
		if svc.Build != nil {
			return nil, nil // built when the container is created
		}
		return nil, fmt.Errorf("inspect image %s of %s: %w", svc.Image, svc.Name, err)
	}
	if res.Config == nil {
		return nil, nil
	}
	return slices.Sorted(maps.Keys(res.Config.Volumes)), nil
}
