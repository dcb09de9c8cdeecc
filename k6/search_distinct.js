// Distinct, never-repeated searches over the million products (make seed-large), so the response
// cache never helps: each request is one of the 20 terms x 10 brands of k6/search.js with a price
// range no other request uses, at a constant arrival RATE (default 200/s). Threshold of the issue:
// p95 < 100 ms.
//   k6 run -e BASE_URL=http://127.0.0.1:8000 -e RATE=200 k6/search_distinct.js
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';

const BASE = __ENV.BASE_URL || 'http://localhost:8000';
const TERMS = ['headphones', 'speaker', 'laptop', 'keyboard', 'monitor', 'camera',
  'charger', 'kettle', 'blender', 'espresso machine', 'chair', 'desk', 'backpack', 'tent',
  'jacket', 'sneakers', 'watch', 'yoga mat', 'drill', 'guitar'];
const BRANDS = ['Sony', 'Bose', 'Apple', 'Samsung', 'Logitech', 'Anker', 'Philips',
  'Nike', 'Garmin', 'Dyson'];
const RUN = Date.now() % 100000;  // another run never repeats this one's queries either

export const options = {
  scenarios: {
    distinct: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 200), timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: Number(__ENV.VUS || 100), maxVUs: Number(__ENV.MAX_VUS || 400),
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<100'],
  },
};

export default function () {
  const n = exec.scenario.iterationInTest;
  const term = TERMS[n % TERMS.length];
  const brand = BRANDS[Math.floor(n / TERMS.length) % BRANDS.length];
  // a lower bound (to the cent) no other request of the run uses, under a fixed upper bound:
  // every URL differs while the result sets stay realistic
  const minPrice = (((RUN + n) % 100000) / 100).toFixed(2);
  const maxPrice = '2500.00';
  const res = http.get(
    `${BASE}/api/products?q=${encodeURIComponent(term)}&brand=${brand}`
      + `&minPrice=${minPrice}&maxPrice=${maxPrice}&page=1&limit=20`,
    { tags: { name: 'search_distinct' } },
  );
  check(res, { 'search 200': (r) => r.status === 200 });
}
