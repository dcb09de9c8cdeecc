// Recommendation reads over the million products with generated order history
// (make seed-large N=1000000 ORDERS=100000), one scenario after another at a constant arrival
// RATE (default 100/s) for DURATION each (default 20s):
//   hot       anonymous also-bought of the 1,000 most popular products: gateway cache hits (the
//             set is asked once in setup)
//   distinct  anonymous also-bought, every request a product no other request of the run asks
//             for: cache misses, the RPC + SQL path (the long tail falls back to similar)
//   signed    signed-in also-bought of the popular products: signed-in reads bypass the cache
//   similar   anonymous similar products of distinct products: misses, the similar SQL
//   trending  anonymous trending per category (a handful of URLs: hits)
//   viewed    signed-in POST /api/recently-viewed then GET /api/recently-viewed (two requests
//             an iteration: twice RATE requests a second)
// SCENARIOS=hot,signed picks some. The seed's popularity rank r is product prod-((r*7919) % N + 1)
// (scripts/seed_large_history.py), so the hot set here is the same one the history favours.
//   k6 run -e BASE_URL=http://127.0.0.1:8000 -e N=1000000 k6/recommendations.js
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';

const BASE = __ENV.BASE_URL || 'http://localhost:8000';
const N = Number(__ENV.N || 1000000);
const RATE = Number(__ENV.RATE || 100);
const DURATION = __ENV.DURATION || '20s';
const SECONDS = Number(DURATION.replace('s', ''));
const ALL = ['hot', 'distinct', 'signed', 'similar', 'trending', 'viewed'];
const WANTED = (__ENV.SCENARIOS || ALL.join(',')).split(',');
const CATEGORIES = ['lcat-electronics', 'lcat-audio', 'lcat-home', 'lcat-kitchen', 'lcat-fashion',
  'lcat-shoes', 'lcat-outdoors-sports', 'lcat-fitness', 'lcat-hobbies', 'lcat-toys'];
const RUN = Date.now() % 997;  // another run starts the distinct walk elsewhere
const json = { 'Content-Type': 'application/json' };

const popular = (rank) => `prod-${((rank * 7919) % N) + 1}`;

const scenarios = {};
const thresholds = { http_req_failed: ['rate<0.01'] };
WANTED.forEach((name, i) => {
  scenarios[name] = {
    executor: 'constant-arrival-rate', exec: name, rate: RATE, timeUnit: '1s',
    duration: DURATION, startTime: `${i * (SECONDS + 2)}s`,
    preAllocatedVUs: Number(__ENV.VUS || 50), maxVUs: Number(__ENV.MAX_VUS || 300),
  };
  // a threshold per scenario makes the summary print each one's latency
  thresholds[`http_req_duration{scenario:${name}}`] = ['p(95)<100'];
});
export const options = { scenarios, thresholds };

export function setup() {
  if (WANTED.includes('hot')) {
    // the hot set is asked once first, so the hot scenario measures hits, not first touches
    for (let start = 0; start < 1000; start += 50) {
      const batch = [];
      for (let rank = start; rank < start + 50; rank += 1) {
        batch.push(['GET', `${BASE}/api/products/${popular(rank)}/recommendations?kind=also_bought&limit=8`]);
      }
      http.batch(batch);
    }
  }
  if (!WANTED.includes('signed') && !WANTED.includes('viewed')) return { tokens: [] };
  const tokens = [];
  const run = Date.now();
  for (let i = 0; i < 20; i += 1) {
    const res = http.post(`${BASE}/api/auth/register`, JSON.stringify({
      email: `reco-bench-${run}-${i}@example.com`, password: 'Bench-pass-1234',
      firstName: 'Bench', lastName: `Viewer${i}`,
    }), { headers: json });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${res.body}`);
    tokens.push(res.json('accessToken'));
  }
  return { tokens };
}

function recommend(id, kind, params) {
  const res = http.get(`${BASE}/api/products/${id}/recommendations?kind=${kind}&limit=8`, params);
  check(res, { 'recommendations 200': (r) => r.status === 200 });
}

const signedIn = (data) => ({
  headers: { Authorization: `Bearer ${data.tokens[(__VU + __ITER) % data.tokens.length]}` },
});

export function hot() { recommend(popular(Math.floor(Math.random() * 1000)), 'also_bought', {}); }

export function distinct() {
  recommend(popular(1000 + RUN * 10000 + exec.scenario.iterationInTest), 'also_bought', {});
}

export function signed(data) {
  recommend(popular(Math.floor(Math.random() * 1000)), 'also_bought', signedIn(data));
}

export function similar() {
  recommend(popular(500000 + RUN * 10000 + exec.scenario.iterationInTest), 'similar', {});
}

export function trending() {
  const category = CATEGORIES[exec.scenario.iterationInTest % CATEGORIES.length];
  const res = http.get(`${BASE}/api/recommendations/trending?category=${category}&limit=12`);
  check(res, { 'trending 200': (r) => r.status === 200 });
}

export function viewed(data) {
  const params = signedIn(data);
  const id = popular(Math.floor(Math.random() * 5000));
  const posted = http.post(`${BASE}/api/recently-viewed`, JSON.stringify({ productId: id }),
    { headers: { ...params.headers, ...json } });
  check(posted, { 'view 204': (r) => r.status === 204 });
  const res = http.get(`${BASE}/api/recently-viewed`, params);
  check(res, { 'recently viewed 200': (r) => r.status === 200 });
}
