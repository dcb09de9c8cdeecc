// Cart hot path at 200 virtual users: add-to-cart (POST /api/cart/{id}/items: gateway -> cart ->
// catalog + inventory in parallel -> Redis script) and get-cart (GET /api/cart/{id}: gateway ->
// cart -> catalog). Each VU is a guest shopper with its own cart, pausing THINK seconds between
// steps; a cart is replaced after 40 adds so lines stay under the per-line maximum and stock.
// Products: PRODUCT_IDS (comma-separated) or, from GET /api/products, those with stock for a whole
// cart (40 units), so that no add is refused for stock (a correct 409 is not what is measured).
// Needs the platform running with catalog/inventory seeded and RATE_LIMIT_WRITE/READ raised:
//   k6 run -e BASE_URL=http://127.0.0.1:8000 k6/cart.js
import http from 'k6/http';
import { check, sleep } from 'k6';

const BASE = __ENV.BASE_URL || 'http://localhost:8000';
const THINK = Number(__ENV.THINK || 0.5);
const json = { headers: { 'Content-Type': 'application/json' } };

export const options = {
  scenarios: {
    shoppers: {
      executor: 'ramping-vus', startVUs: 0,
      stages: [
        { duration: __ENV.RAMP || '10s', target: Number(__ENV.VUS || 200) },
        { duration: __ENV.DURATION || '30s', target: Number(__ENV.VUS || 200) },
      ],
    },
  },
  thresholds: {
    'http_req_failed': ['rate<0.01'],
    'http_req_duration{name:add_item}': ['p(95)<50'],
    'http_req_duration{name:get_cart}': ['p(95)<50'],
  },
};

export function setup() {
  if (__ENV.PRODUCT_IDS) return { ids: __ENV.PRODUCT_IDS.split(',') };
  const res = http.get(`${BASE}/api/products?limit=100&inStock=true`);
  check(res, { products: (r) => r.status === 200 });
  const ids = res.json('data').filter((p) => p.available >= 40).map((p) => p.id);
  if (ids.length === 0) throw new Error('no products in stock: seed the catalog first');
  return { ids };
}

let cartId = null;
let adds = 0;

function newCart() {
  const res = http.post(`${BASE}/api/cart`, null, { tags: { name: 'create_cart' } });
  const ok = check(res, { 'cart created': (r) => r.status === 201 });
  cartId = ok ? res.json('id') : null;
  adds = 0;
}

export default function (data) {
  if (cartId === null || adds >= 40) newCart();
  if (cartId === null) { sleep(THINK); return; }
  const productId = data.ids[Math.floor(Math.random() * data.ids.length)];
  const added = http.post(`${BASE}/api/cart/${cartId}/items`,
    JSON.stringify({ productId, quantity: 1 }), { ...json, tags: { name: 'add_item' } });
  check(added, { 'item added': (r) => r.status === 200 });
  adds += 1;
  sleep(THINK);
  const got = http.get(`${BASE}/api/cart/${cartId}`, { tags: { name: 'get_cart' } });
  check(got, { 'cart read': (r) => r.status === 200 && r.json('items').length > 0 });
  sleep(THINK);
}
