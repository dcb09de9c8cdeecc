"""The fuzz tier: schemathesis against the whole platform, from its own OpenAPI document.

The stack is tests/stack.py's session fixture (the plugin tests/conftest.py registers), so a
`pytest tests/fuzz` run starts a fresh stack of its own: the fuzzer's writes (admin ones among
them) never reach the e2e tier's data. Its rate limits are raised here, before the stack starts
(the stack inherits this process's environment): the fuzzer sends thousands of requests from one
address, and what it tests is the answers, not the limiter. A 429 it still meets is checked like
any other answer (the documented error shape).
"""

from __future__ import annotations

import os

os.environ.setdefault("RATE_LIMIT_READ", "1000000")
os.environ.setdefault("RATE_LIMIT_WRITE", "1000000")
# a role's token must outlive its run (`make fuzz EXAMPLES=500` runs for many minutes per role)
os.environ.setdefault("JWT_ACCESS_TTL", "14400")
