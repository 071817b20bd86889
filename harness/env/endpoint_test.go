package env

import (
	"testing"

	"github.com/tandem-harness/tandem/harness/system"
)

// Endpoints say what they are: the HTTP API (x-tandem.port) as a URL, any
// other port (a database's, a metrics port nobody said is HTTP) as
// 127.0.0.1:PORT with its container port. Before, every port printed as
// http://, a PostgreSQL port too.
func TestFormatPortsSaysWhatEachPortIs(t *testing.T) {
	tests := []struct {
		name  string
		svc   system.Service
		ports map[int]int
		want  string
	}{
		{"HTTP API", system.Service{Tandem: system.Tandem{Port: 8080, Ready: system.Ready{HTTP: "/health", Port: 8080}}},
			map[int]int{8080: 49154}, "8080/tcp  http://127.0.0.1:49154"},
		{"database probed by SQL", system.Service{Tandem: system.Tandem{Port: 5432, Ready: system.Ready{SQL: "postgres://{host}:{port}/db", Port: 5432}}},
			map[int]int{5432: 49153}, "5432/tcp  127.0.0.1:49153"},
		{"port probed by TCP", system.Service{Tandem: system.Tandem{Port: 6379, Ready: system.Ready{TCP: 6379, Port: 6379}}},
			map[int]int{6379: 49155}, "6379/tcp  127.0.0.1:49155"},
		{"no x-tandem", system.Service{},
			map[int]int{4222: 49156}, "4222/tcp  127.0.0.1:49156"},
		{"API and another port", system.Service{Tandem: system.Tandem{Port: 8080, Ready: system.Ready{Log: "listening", Port: 8080}}},
			map[int]int{9090: 49158, 8080: 49157}, "8080/tcp  http://127.0.0.1:49157  9090/tcp  127.0.0.1:49158"},
		{"http probe on its own port", system.Service{Tandem: system.Tandem{Port: 5432, Ready: system.Ready{HTTP: "/ready", Port: 8081}}},
			map[int]int{5432: 49159, 8081: 49160}, "5432/tcp  http://127.0.0.1:49159  8081/tcp  http://127.0.0.1:49160"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := formatPorts(tc.ports, func(p int) bool { return speaksHTTP(&tc.svc, p) })
			if got != tc.want {
				t.Errorf("formatPorts = %q\nwant          %q", got, tc.want)
			}
		})
	}
}
