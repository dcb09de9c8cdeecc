"""HTTP schemas (camelCase JSON), one module per resource; the base pieces live in `base`."""
