"""The web app's routes that need the catalog: product and category pages whose HTML shell
already carries the page's meta and JSON-LD (gateway/seo.py), and the sitemap (gateway/sitemap.py).
Every other storefront and back-office path is a static file or shell (gateway/web.py)."""

from werkzeug.wrappers import Response

from gateway import seo
from gateway.sitemap import Sitemaps, xml_response
from gateway.web import page_route


def _not_found() -> Response:
    return Response("no such sitemap\n", status=404, content_type="text/plain; charset=utf-8")


class WebRoutes:
    sitemaps = Sitemaps()

    @page_route(
        "/products/<slug>", page=seo.product_page, not_found=seo.not_found_page, cache="catalog"
    )
    def product_page(self, request, slug):
        return self.catalog_rpc.get_product_by_slug(slug)

    @page_route(
        "/categories/<slug>", page=seo.category_page, not_found=seo.not_found_page, cache="catalog"
    )
    def category_page(self, request, slug):
        return self.catalog_rpc.get_category(slug)

    @page_route("/sitemap.xml")
    def sitemap_index(self, request):
        source = self.sitemaps
        return xml_response(request, source.index(self.catalog_rpc), source.ttl)

    @page_route("/sitemap-products-<int:number>.xml")
    def sitemap_products(self, request, number):
        source = self.sitemaps
        rows = source.product_rows(self.catalog_rpc, number)
        if rows is None:
            return _not_found()
        return xml_response(request, source.products(rows), source.ttl)

    @page_route("/sitemap-categories.xml")
    def sitemap_categories(self, request):
        source = self.sitemaps
        rows = self.catalog_rpc.list_category_slugs()
        return xml_response(request, source.categories(rows), source.ttl)
