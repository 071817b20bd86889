package system_test

import (
	"context"
	"fmt"

	"github.com/tandem-harness/tandem/harness/system"
)

// Several Compose files merge as `docker compose -f compose.yaml -f
// compose.override.yaml` merges them: the override changes api's image and
// one variable, and adds a service.
func ExampleLoad() {
	sys, err := system.Load(context.Background(), "testdata/merge/compose.yaml", "testdata/merge/compose.override.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	api := sys.Services["api"]
	fmt.Println(sys.Names())
	fmt.Println(api.Image, api.Environment["LOG_LEVEL"], api.Environment["DB_URL"])
	// Output:
	// [api cache db]
	// tandem.local/api:2.0 debug postgres://u:p@db:5432/app
}
