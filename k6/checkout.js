// Checkout at a constant arrival rate: each iteration is one shopper's checkout, shaped like the
// seeds' flow: create a guest cart, add an item, place the order with a JWT (Idempotency-Key),
// pay with the simulated provider's success card. Gateway -> cart -> catalog/inventory;
// gateway -> orders -> cart.quote, inventory.reserve, payments.create_intent;
// gateway -> payments.confirm -> signed event -> webhook path -> outbox -> orders (confirm,
// inventory.commit) -> order_confirmed -> cart emptied, customer told.
// Setup signs in CUSTOMERS fresh customers and gives the products a large stock (admin).
// Needs the platform running with seeds and RATE_LIMIT_WRITE/READ/AUTH raised:
//   k6 run -e BASE_URL=http://127.0.0.1:8000 -e RATE=80 -e DURATION=60s k6/checkout.js
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const BASE = __ENV.BASE_URL || 'http://localhost:8000';
const RATE = Number(__ENV.RATE || 80);
const CUSTOMERS = Number(__ENV.CUSTOMERS || 20);
const CARD = '4242424242424242';
const json = { 'Content-Type': 'application/json' };
const checkouts = new Counter('checkouts_completed');

export const options = {
  scenarios: {
    checkout: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: __ENV.DURATION || '60s',
      preAllocatedVUs: Number(__ENV.VUS || 100),
      maxVUs: Number(__ENV.MAX_VUS || 400),
    },
  },
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    'http_req_duration{name:place_order}': ['p(95)<100'],
    dropped_iterations: ['count==0'],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

function login(email, password) {
  const res = http.post(`${BASE}/api/auth/login`, JSON.stringify({ email, password }),
    { headers: json });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.body}`);
  return res.json('accessToken');
}

export function setup() {
  const admin = login(__ENV.ADMIN_EMAIL || 'admin@bazaar.dev',
    __ENV.ADMIN_PASSWORD || 'Admin-pass-1234');
  let ids;
  if (__ENV.PRODUCT_IDS) {
    ids = __ENV.PRODUCT_IDS.split(',');
  } else {
    const res = http.get(`${BASE}/api/products?limit=20&inStock=true`);
    ids = res.json('data').map((p) => p.id);
  }
  for (const id of ids) {
    const res = http.put(`${BASE}/api/inventory/${id}`,
      JSON.stringify({ quantity: 1000000, reason: 'checkout benchmark' }),
      { headers: { ...json, Authorization: `Bearer ${admin}` } });
    if (res.status !== 200) throw new Error(`stock ${id}: ${res.status} ${res.body}`);
  }
  const tokens = [];
  const run = Date.now();
  for (let i = 0; i < CUSTOMERS; i += 1) {
    const res = http.post(`${BASE}/api/auth/register`, JSON.stringify({
      email: `bench-${run}-${i}@example.com`, password: 'Bench-pass-1234',
      firstName: 'Bench', lastName: `Buyer${i}`,
    }), { headers: json });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${res.body}`);
    tokens.push(res.json('accessToken'));
  }
  return { ids, tokens };
}

const ADDRESS = {
  firstName: 'Ada', lastName: 'Lovelace', address1: '1 Loop Road', address2: null,
  city: 'London', state: null, postalCode: 'N1 9GU', country: 'GB', phone: '+44 20 7946 0000',
};

export default function (data) {
  const token = data.tokens[(__VU + __ITER) % data.tokens.length];
  const auth = { ...json, Authorization: `Bearer ${token}` };
  const productId = data.ids[Math.floor(Math.random() * data.ids.length)];

  const cart = http.post(`${BASE}/api/cart`, null, { tags: { name: 'create_cart' } });
  if (!check(cart, { 'cart created': (r) => r.status === 201 })) return;
  const cartId = cart.json('id');

  const added = http.post(`${BASE}/api/cart/${cartId}/items`,
    JSON.stringify({ productId, quantity: 1 }), { headers: json, tags: { name: 'add_item' } });
  if (!check(added, { 'item added': (r) => r.status === 200 })) return;

  const key = `bench-${__VU}-${__ITER}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const placed = http.post(`${BASE}/api/orders`,
    JSON.stringify({ cartId, shippingAddress: ADDRESS, paymentMethod: 'card' }),
    { headers: { ...auth, 'Idempotency-Key': key }, tags: { name: 'place_order' } });
  if (!check(placed, { 'order placed': (r) => r.status === 201 })) return;

  const paid = http.post(`${BASE}/api/payments/confirm`,
    JSON.stringify({ intentId: placed.json('payment.intentId'), cardNumber: CARD }),
    { headers: auth, tags: { name: 'confirm_payment' } });
  if (check(paid, { 'payment succeeded': (r) => r.status === 200 && r.json('status') === 'succeeded' })) {
    checkouts.add(1);
  }
}
