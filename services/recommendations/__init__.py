"""The recommendations service: "customers also bought", similar products, trending per
category and recently viewed, from its own copy of the product cards (kept by catalog and
inventory events) and the confirmed orders' lines."""
