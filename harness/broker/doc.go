// Package broker serves a contract store (harness/contract) over the Pact
// Broker's HTTP API: HAL resources, relations and status codes as the Pact
// clients (the pact CLI's broker commands, pact verifier --broker-url,
// pact-js's Verifier) use them, so that a consumer and a provider in two
// repositories meet in one store.
package broker
