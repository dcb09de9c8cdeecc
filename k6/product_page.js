// One cached product page (LIMIT products, default 20) at VUS virtual users, closed loop, asked
// with Accept-Encoding ENCODING (default gzip; "identity" for the uncompressed baseline): what
// gzip costs the gateway and saves on the wire (docs/benchmarks-compression.md).
//   k6 run -e BASE_URL=http://127.0.0.1:8000 -e ENCODING=identity k6/product_page.js
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL || 'http://localhost:8000';
const URL = `${BASE}/api/products?limit=${__ENV.LIMIT || 20}`;
const HEADERS = { 'Accept-Encoding': __ENV.ENCODING || 'gzip' };

export const options = {
  vus: Number(__ENV.VUS || 20),
  duration: __ENV.DURATION || '15s',
  thresholds: { http_req_failed: ['rate<0.01'] },
};

export default function () {
  const page = http.get(URL, { headers: HEADERS });
  check(page, { 'page 200': (r) => r.status === 200 });
}
