'use strict';
// The consumer test of shop-web (a JavaScript front end) against the catalog,
// written with pact-js: it runs CatalogClient against pact-js's mock catalog and
// writes the pact shop-web-catalog.json to $TANDEM_PACT_DIR.
//
// It proves that Tandem reads, stores and verifies pacts that an independent
// Pact implementation wrote (harness/contract/interop_test.go runs it).
// Run it by hand from the repository root after `make setup`:
//
//   TANDEM_PACT_DIR=/tmp/pacts node interop/pactjs/shop-web.pact.test.js
//
// pact-js comes from .tandem/npm (or $TANDEM_NPM_DIR), where `make setup` puts it.

const assert = require('node:assert/strict');
const { createRequire } = require('node:module');
const path = require('node:path');
const { test } = require('node:test');

const { CatalogClient } = require('./catalog-client');

// Pact's libraries send usage metrics unless told not to; tests talk only to 127.0.0.1.
process.env.PACT_DO_NOT_TRACK = 'true';

const pactDir = process.env.TANDEM_PACT_DIR;
if (!pactDir) {
  console.error('TANDEM_PACT_DIR is not set: name the folder to write the pact to');
  process.exit(2);
}

const npmDir = process.env.TANDEM_NPM_DIR || path.resolve(__dirname, '..', '..', '.tandem', 'npm');
let pact;
try {
  pact = createRequire(path.join(npmDir, 'package.json'))('@pact-foundation/pact');
} catch (err) {
  console.error(`pact-js is not installed in ${npmDir} (${err.message.split('\n')[0]}); run 'make setup'`);
  process.exit(2);
}
const { PactV4, MatchersV3: m } = pact;

const provider = new PactV4({
  consumer: 'shop-web',
  provider: 'catalog',
  dir: pactDir,
  host: '127.0.0.1',
  logLevel: 'error',
});

// What shop-web relies on in a product: these fields, these types.
const product = (id, name, priceCents, stock) => ({
  id: m.string(id),
  name: m.string(name),
  price_cents: m.integer(priceCents),
  currency: m.regex('^[A-Z]{3}$', 'EUR'),
  stock: m.integer(stock),
});

const jsonContentType = { 'Content-Type': m.regex('^application/json', 'application/json') };

test('shows product p-2 with its stock', () =>
  provider
    .addInteraction()
    .given('product p-2 has stock 3', { id: 'p-2', stock: 3 })
    .uponReceiving('a request for product p-2')
    .withRequest('GET', '/products/p-2', (req) => req.headers({ Accept: 'application/json' }))
    .willRespondWith(200, (res) =>
      res.headers(jsonContentType).jsonBody(product('p-2', 'Pour-over kettle', 4950, 3)))
    .executeTest(async (mock) => {
      const p = await new CatalogClient(mock.url).product('p-2');
      assert.deepEqual(p, { id: 'p-2', name: 'Pour-over kettle', price_cents: 4950, currency: 'EUR', stock: 3 });
    }));

test('lists the products', () =>
  provider
    .addInteraction()
    .given('products exist')
    .uponReceiving('a request for all products')
    .withRequest('GET', '/products', (req) => req.headers({ Accept: 'application/json' }))
    .willRespondWith(200, (res) =>
      res.headers(jsonContentType).jsonBody({ products: m.eachLike(product('p-1', 'Espresso cup', 1299, 12)) }))
    .executeTest(async (mock) => {
      const ps = await new CatalogClient(mock.url).products();
      assert.equal(ps.length, 1);
      assert.equal(ps[0].id, 'p-1');
      assert.equal(typeof ps[0].price_cents, 'number');
    }));
