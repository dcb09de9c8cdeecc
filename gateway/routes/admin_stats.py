"""Admin dashboard figures: revenue per day, orders by status, top products, average order."""

from gateway.api import api
from gateway.schemas.orders import StatsSchema


class AdminStatsRoutes:
    @api(
        "GET",
        "/api/admin/stats",
        roles=("admin",),
        response=StatsSchema,
        tags=("admin",),
        summary="Revenue per day, orders by status, top products, average order value",
    )
    def admin_stats(self, request, user):
        return self.orders_rpc.stats()
