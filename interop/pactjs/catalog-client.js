'use strict';
// A tiny catalog client, as the shop's web front end would write it: the code
// under test in the pact-js consumer test next to it.

class CatalogClient {
  /** @param {string} baseURL where the catalog answers, e.g. http://127.0.0.1:8080 */
  constructor(baseURL) {
    this.baseURL = baseURL.replace(/\/$/, '');
  }

  /** product returns one product: {id, name, price_cents, currency, stock}. */
  async product(id) {
    return this.#get(`/products/${encodeURIComponent(id)}`);
  }

  /** products returns every product. */
  async products() {
    const body = await this.#get('/products');
    if (!Array.isArray(body.products)) {
      throw new Error(`GET /products: no products array in ${JSON.stringify(body)}`);
    }
    return body.products;
  }

  async #get(path) {
    const res = await fetch(this.baseURL + path, { headers: { Accept: 'application/json' } });
    if (res.status !== 200) {
      throw new Error(`GET ${path}: status ${res.status}: ${await res.text()}`);
    }
    return res.json();
  }
}

module.exports = { CatalogClient };
