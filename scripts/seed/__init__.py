"""Demo data, one module per service that has any (`make seed` runs them in dependency order).

Each module's `seed(config)` writes straight into that service's database: seeding runs before the
services start, and it is tooling, not part of any service's code.
"""
