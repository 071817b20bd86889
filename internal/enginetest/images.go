package enginetest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// load copies images from the default engine into this one, the way
// `docker save IMAGE... | DOCKER_HOST=… docker load` does.
func (e *Engine) load(t testing.TB, images []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	src, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatalf("enginetest: client for the default engine: %v", err)
	}
	defer src.Close()
	for _, ref := range images {
		if _, err := src.ImageInspect(ctx, ref); err != nil {
			t.Fatalf("enginetest: image %s is not on the default engine (%v); `make setup` builds Tandem's images", ref, err)
		}
	}
	saved, err := src.ImageSave(ctx, images)
	if err != nil {
		t.Fatalf("enginetest: save %v from the default engine: %v", images, err)
	}
	defer saved.Close()
	dst := e.Client(t)
	loaded, err := dst.ImageLoad(ctx, saved, client.ImageLoadWithQuiet(true))
	if err != nil {
		t.Fatalf("enginetest: load %v into %s: %v", images, e.Host(), err)
	}
	defer loaded.Close()
	if err := loadErr(loaded); err != nil {
		t.Fatalf("enginetest: load %v into %s: %v", images, e.Host(), err)
	}
	for _, ref := range images {
		if _, err := dst.ImageInspect(ctx, ref); err != nil {
			t.Fatalf("enginetest: image %s is not on %s after loading it: %v", ref, e.Host(), err)
		}
	}
}

// loadErr reads the engine's JSON messages about a load and returns the first
// error among them.
func loadErr(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var msg struct {
			Error       string `json:"error"`
			ErrorDetail struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if msg.ErrorDetail.Message != "" {
			return errors.New(msg.ErrorDetail.Message)
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
	}
}
