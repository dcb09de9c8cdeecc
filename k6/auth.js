// Sign-in and profile: the auth path every storefront request stands on.
//   profile: authenticated GET /api/auth/profile (JWT verified in the gateway, one RPC to accounts)
//   login:   POST /api/auth/login (argon2 verification is deliberately slow: a low, steady rate)
//   refresh: POST /api/auth/refresh with rotation (each VU keeps its own token chain)
// Needs a platform started with RATE_LIMIT_AUTH raised (see scripts/bench.sh).
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL || 'http://localhost:8000';
const USERS = 20;
const PASSWORD = 'Bench-pass-2026';
const json = { headers: { 'Content-Type': 'application/json' } };

const SCENARIOS = {
  // PROFILE_VUS=50 turns the profile scenario into a closed loop (each VU asks again as soon as
  // it is answered): the throughput ceiling, where the arrival rate measures latency at a load
  profile: __ENV.PROFILE_VUS ? {
    executor: 'constant-vus', exec: 'profile', vus: Number(__ENV.PROFILE_VUS),
    duration: __ENV.DURATION || '30s',
  } : {
    executor: 'constant-arrival-rate', exec: 'profile', rate: Number(__ENV.PROFILE_RATE || 400),
    timeUnit: '1s', duration: __ENV.DURATION || '30s', preAllocatedVUs: 100, maxVUs: 200,
  },
  login: {
    executor: 'constant-arrival-rate', exec: 'login', rate: Number(__ENV.LOGIN_RATE || 10),
    timeUnit: '1s', duration: __ENV.DURATION || '30s', preAllocatedVUs: 10, maxVUs: 40,
  },
  refresh: {
    executor: 'constant-vus', exec: 'refresh', vus: 5, duration: __ENV.DURATION || '30s',
  },
};
// ONLY=profile (or a comma-separated list) runs just those scenarios
const ONLY = (__ENV.ONLY || '').split(',').filter((name) => name);
const THRESHOLDS = {
  profile: ['http_req_duration{scenario:profile}', ['p(95)<50']],
  login: ['http_req_duration{scenario:login}', ['p(95)<250']],
  refresh: ['http_req_duration{scenario:refresh}', ['p(95)<100']],
};
const chosen = Object.keys(SCENARIOS).filter((name) => ONLY.length === 0 || ONLY.includes(name));

export const options = {
  scenarios: Object.fromEntries(chosen.map((name) => [name, SCENARIOS[name]])),
  thresholds: {
    'http_req_failed': ['rate<0.01'],
    ...Object.fromEntries(chosen.map((name) => THRESHOLDS[name])),
  },
};

export function setup() {
  const run = Date.now();
  const users = [];
  for (let i = 0; i < USERS; i++) {
    const email = `bench-${run}-${i}@example.com`;
    const res = http.post(`${BASE}/api/auth/register`, JSON.stringify({
      email, password: PASSWORD, firstName: 'Bench', lastName: `User${i}`,
    }), json);
    check(res, { registered: (r) => r.status === 201 });
    users.push({ email, access: res.json('accessToken') });
  }
  return { users };
}

export function profile(data) {
  const user = data.users[__ITER % data.users.length];
  const res = http.get(`${BASE}/api/auth/profile`, { headers: { Authorization: `Bearer ${user.access}` } });
  check(res, { 'profile 200': (r) => r.status === 200 });
}

export function login(data) {
  const user = data.users[__ITER % data.users.length];
  const res = http.post(`${BASE}/api/auth/login`, JSON.stringify({ email: user.email, password: PASSWORD }), json);
  check(res, { 'login 200': (r) => r.status === 200 });
}

let chain = null;
export function refresh(data) {
  if (chain === null) {
    const user = data.users[__VU % data.users.length];
    const res = http.post(`${BASE}/api/auth/login`, JSON.stringify({ email: user.email, password: PASSWORD }), json);
    chain = res.json('refreshToken');
  }
  const res = http.post(`${BASE}/api/auth/refresh`, JSON.stringify({ refreshToken: chain }), json);
  if (check(res, { 'refresh 200': (r) => r.status === 200 })) {
    chain = res.json('refreshToken');
  } else {
    chain = null;
  }
}
