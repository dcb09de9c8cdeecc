"""Admin dashboard figures: revenue per day, orders by status, top products, average order."""

from gateway.api import api
from gateway.schemas.orders import StatsQuery, StatsSchema


class AdminStatsRoutes:
    @api(
        "GET",
        "/api/admin/stats",
        roles=("admin",),
        query=StatsQuery,
        response=StatsSchema,
        tags=("admin",),
        summary="Revenue per day (each of the last `days`), orders by status, top products, "
        "average order value",
    )
    def admin_stats(self, request, user, query):
        return self.orders_rpc.stats(query["days"])
