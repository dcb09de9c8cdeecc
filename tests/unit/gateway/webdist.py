"""A small web build on disk, shaped like Vite's (web/dist), for the web app's tests."""

import gzip
from pathlib import Path

SHELL = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Bazaar</title>
    <meta name="description" content="Bazaar: shop electronics, home and more." />
    <!--bazaar:head-->
    <script type="module" crossorigin src="/assets/storefront-AbC123.js"></script>
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
"""
ADMIN_SHELL = SHELL.replace("<title>Bazaar</title>", "<title>Bazaar back office</title>")
SCRIPT = "export const shop = 'bazaar';\n" * 40


def make_dist(root: Path) -> Path:
    """index.html, admin/index.html, a hashed script with .br and .gz copies, a favicon, the
    build's hidden marker, and a secret next to (outside) the build."""
    (root / "assets").mkdir(parents=True)
    (root / "admin").mkdir()
    (root / "index.html").write_text(SHELL)
    (root / "admin" / "index.html").write_text(ADMIN_SHELL)
    script = root / "assets" / "storefront-AbC123.js"
    script.write_text(SCRIPT)
    script.with_name(script.name + ".gz").write_bytes(gzip.compress(SCRIPT.encode()))
    # not real brotli: the test reads back which copy it was given
    script.with_name(script.name + ".br").write_bytes(b"BROTLI" + SCRIPT.encode()[:20])
    (root / "assets" / "storefront-AbC123.css").write_text("body{margin:0}")
    (root / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / ".built").write_text("")
    (root.parent / "secret.txt").write_text("do not serve")
    return root
