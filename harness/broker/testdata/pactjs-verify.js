'use strict';
// Verifies the provider "api" with pact-js's Verifier, fetching its pacts from
// tandem broker by consumer version selectors and publishing the results back
// (harness/broker/pactjs_test.go runs it). Settings come from the environment:
//
//   TANDEM_NPM_DIR          where pact-js is installed (.tandem/npm)
//   BROKER_URL, PROVIDER_URL, PROVIDER_VERSION, PROVIDER_BRANCH
//   SELECTORS               a JSON array of consumer version selectors
//   PACT_BROKER_TOKEN       the broker's write token (never on a command line)

const path = require('node:path');
const { createRequire } = require('node:module');

process.env.PACT_DO_NOT_TRACK = 'true';
const npmDir = process.env.TANDEM_NPM_DIR;
const requireNpm = createRequire(path.join(npmDir, 'package.json'));
const { Verifier } = requireNpm('@pact-foundation/pact');

new Verifier({
  provider: 'api',
  providerBaseUrl: process.env.PROVIDER_URL,
  pactBrokerUrl: process.env.BROKER_URL,
  pactBrokerToken: process.env.PACT_BROKER_TOKEN,
  consumerVersionSelectors: JSON.parse(process.env.SELECTORS),
  enablePending: true,
  publishVerificationResult: true,
  providerVersion: process.env.PROVIDER_VERSION,
  providerVersionBranch: process.env.PROVIDER_BRANCH,
  stateHandlers: { 'items exist': () => Promise.resolve() },
  logLevel: 'warn',
})
  .verifyProvider()
  .then(() => { console.log('pact-js: verification passed'); })
  .catch((err) => { console.error('pact-js: verification failed:', err); process.exit(1); });
