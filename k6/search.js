// Search over the million products (make seed-large) with the seeds' query mix: 20 terms x 10
// brands, page 1, limit 20, at a constant arrival RATE (requests per second). Repeated queries, so
// the gateway's response cache serves most of them, as it would in production. Find the highest
// RATE whose p95 stays under 50 ms:
//   k6 run -e BASE_URL=http://127.0.0.1:8000 -e RATE=800 k6/search.js
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL || 'http://localhost:8000';
export const TERMS = ['headphones', 'speaker', 'laptop', 'keyboard', 'monitor', 'camera',
  'charger', 'kettle', 'blender', 'espresso machine', 'chair', 'desk', 'backpack', 'tent',
  'jacket', 'sneakers', 'watch', 'yoga mat', 'drill', 'guitar'];
export const BRANDS = ['Sony', 'Bose', 'Apple', 'Samsung', 'Logitech', 'Anker', 'Philips',
  'Nike', 'Garmin', 'Dyson'];

export const options = {
  scenarios: {
    search: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 800), timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: Number(__ENV.VUS || 100), maxVUs: Number(__ENV.MAX_VUS || 400),
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<50'],
  },
};

export default function () {
  const term = TERMS[Math.floor(Math.random() * TERMS.length)];
  const brand = BRANDS[Math.floor(Math.random() * BRANDS.length)];
  const res = http.get(
    `${BASE}/api/products?q=${encodeURIComponent(term)}&brand=${brand}&page=1&limit=20`,
    { tags: { name: 'search' } },
  );
  check(res, { 'search 200': (r) => r.status === 200 });
}
