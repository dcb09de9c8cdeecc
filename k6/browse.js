// Storefront browsing at 100 virtual users, shaped like the seeds' "Product Browse" scenario: a
// listing page (sometimes filtered by category or sorted), a search, then a product's detail page
// (by id, or by slug), with THINK seconds between steps. Demo catalog (make seed) or the million.
// Threshold of the issue: p95 < 50 ms.
//   k6 run -e BASE_URL=http://127.0.0.1:8000 k6/browse.js
import http from 'k6/http';
import { check, sleep } from 'k6';

const BASE = __ENV.BASE_URL || 'http://localhost:8000';
const THINK = Number(__ENV.THINK || 0.5);
const TERMS = ['headphones', 'hedphones', 'speaker', 'laptop', 'keyboard', 'coffee', 'wireless',
  'wireless noise cancelling', 'chair', 'tent', 'running shoes', 'jacket', 'espresso', 'monitor'];
const CATEGORIES = ['electronics', 'audio', 'headphones', 'home-kitchen', 'kitchen', 'clothing',
  'sports-outdoors', 'computers', 'laptops'];
const SORTS = ['newest', 'price_asc', 'price_desc', 'rating'];

export const options = {
  scenarios: {
    shoppers: {
      executor: 'ramping-vus', startVUs: 0,
      stages: [
        { duration: __ENV.RAMP || '10s', target: Number(__ENV.VUS || 100) },
        { duration: __ENV.DURATION || '40s', target: Number(__ENV.VUS || 100) },
      ],
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<50'],
  },
};

const pick = (list) => list[Math.floor(Math.random() * list.length)];

export default function () {
  const page = 1 + Math.floor(Math.random() * 5);
  let url = `${BASE}/api/products?page=${page}&limit=20`;
  if (Math.random() < 0.5) url += `&category=${pick(CATEGORIES)}&sort=${pick(SORTS)}`;
  const list = http.get(url, { tags: { name: 'list' } });
  check(list, { 'list 200': (r) => r.status === 200 });
  sleep(THINK);

  const search = http.get(`${BASE}/api/products?q=${encodeURIComponent(pick(TERMS))}&limit=20`,
    { tags: { name: 'search' } });
  check(search, { 'search 200': (r) => r.status === 200 });
  sleep(THINK);

  const products = list.status === 200 ? list.json('data') : [];
  if (products.length) {
    const product = pick(products);
    const detail = Math.random() < 0.5
      ? http.get(`${BASE}/api/products/${product.id}`, { tags: { name: 'detail' } })
      : http.get(`${BASE}/api/products/slug/${product.slug}`, { tags: { name: 'detail' } });
    check(detail, { 'detail 200': (r) => r.status === 200 });
  }
  sleep(THINK);
}
