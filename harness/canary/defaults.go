package canary

import "time"

// The load a canary run sends when nobody says otherwise: `tandem canary`'s
// flag defaults and a tandem.yaml canary's, named once.
const (
	// DefaultRate is the requests per second sent to each side.
	DefaultRate = 100
	// DefaultRequests is the requests per side when no duration is given.
	DefaultRequests = 1000
	// DefaultWarmup is the unjudged load both sides get first.
	DefaultWarmup = 2 * time.Second
)
