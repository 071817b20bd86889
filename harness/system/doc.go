// Package system loads a system — a set of services described by a standard
// Compose file, or by several merged as docker compose merges them — and the
// Tandem settings that live in its x-tandem extension fields.
//
// A system file is an ordinary compose.yaml, so teams reuse what they already have:
//
//	services:
//	  catalog:
//	    image: tandem.local/shop-catalog:1.0
//	    depends_on:
//	      catalog-db: {condition: service_healthy}
//	    x-tandem:
//	      port: 8080
//	      ready: {http: /health, timeout: 30s}
//	      provider-states: /_tandem/provider-states
//	      proxy: true   # a toxiproxy in front of it, for fault injection
//
// Load validates the files and returns errors that name the file and line, the
// service and the field at fault. ComposeFields says, field by field, what
// Tandem honours, ignores and refuses. Services with profiles are loaded only
// when one of their profiles is enabled: by COMPOSE_PROFILES, as with docker
// compose, or by LoadWith and WithProfiles. Where a list of files travels as one string
// (an environment variable), SplitFiles and JoinFiles read and write it as
// docker compose reads COMPOSE_FILE.
package system
