// Package contract holds consumer-driven contracts: parsing and validating pact
// files, the contract store under contracts/, and provider verification through
// the Pact FFI with one result per interaction.
//
// The store is plain files in git, reviewable in pull requests, with the Pact
// Broker's publishing semantics: a pact is stored immutably per (consumer,
// version, provider); publishing identical content again is a no-op, and
// different content for the same version is refused unless forced.
//
// What the verifier says quotes the provider's answers, credentials included:
// Verify returns it redacted and Store.Record stores it redacted (Redact), so
// no caller can write a secret it quoted.
package contract
