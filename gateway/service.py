"""The HTTP gateway: JWT auth, routing to RPC, caching, rate limits. Routes live in gateway/routes.

Run: `nameko run --config config/bazaar.yaml gateway.service`.
"""

from gateway.health import Readiness
from gateway.invalidation import CatalogCacheInvalidation, RecommendationsCacheInvalidation
from gateway.openapi import OpenApiDocument
from gateway.routes.admin_products import AdminProductRoutes
from gateway.routes.admin_stats import AdminStatsRoutes
from gateway.routes.auth import AuthRoutes
from gateway.routes.cart import CartRoutes
from gateway.routes.categories import CategoryRoutes
from gateway.routes.coupons import CouponRoutes
from gateway.routes.inventory import InventoryRoutes
from gateway.routes.media import MediaRoutes
from gateway.routes.notifications import NotificationRoutes
from gateway.routes.ops import OpsRoutes
from gateway.routes.orders import AdminOrderRoutes, OrderRoutes
from gateway.routes.payments import AdminPaymentRoutes, PaymentRoutes
from gateway.routes.products import ProductRoutes
from gateway.routes.recommendations import AdminRecommendationRoutes, RecommendationRoutes
from gateway.routes.reviews import AdminReviewRoutes, ReviewRoutes
from gateway.routes.users import AdminUserRoutes, UserRoutes
from gateway.routes.web import WebRoutes
from gateway.ws import LiveUpdateRoutes
from services.common.context import RequestContext
from services.common.redis import Redis
from services.common.rpc import RpcProxy


class GatewayService(
    OpsRoutes,
    AuthRoutes,
    UserRoutes,
    AdminUserRoutes,
    ProductRoutes,
    AdminProductRoutes,
    CategoryRoutes,
    InventoryRoutes,
    CatalogCacheInvalidation,
    RecommendationRoutes,
    AdminRecommendationRoutes,
    RecommendationsCacheInvalidation,
    CartRoutes,
    CouponRoutes,
    ReviewRoutes,
    AdminReviewRoutes,
    OrderRoutes,
    AdminOrderRoutes,
    PaymentRoutes,
    AdminPaymentRoutes,
    AdminStatsRoutes,
    MediaRoutes,
    NotificationRoutes,
    LiveUpdateRoutes,
    WebRoutes,
):
    name = "gateway"

    context = RequestContext(log_workers=False)
    redis = Redis()
    readiness = Readiness()
    openapi_document = OpenApiDocument()

    accounts_rpc = RpcProxy("accounts")
    catalog_rpc = RpcProxy("catalog")
    inventory_rpc = RpcProxy("inventory")
    cart_rpc = RpcProxy("cart")
    reviews_rpc = RpcProxy("reviews")
    orders_rpc = RpcProxy("orders")
    payments_rpc = RpcProxy("payments")
    media_rpc = RpcProxy("media")
    notifications_rpc = RpcProxy("notifications")
    recommendations_rpc = RpcProxy("recommendations")
