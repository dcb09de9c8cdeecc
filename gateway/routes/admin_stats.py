"""Admin dashboard figures: revenue per day, orders by status, top products, average order
(orders); abandoned-cart reminders sent and recovered (cart). One route per service, so each
route stays at one RPC."""

from gateway.api import api
from gateway.schemas.cart import ReminderStatsSchema
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

    @api(
        "GET",
        "/api/admin/stats/reminders",
        roles=("admin",),
        query=StatsQuery,
        response=ReminderStatsSchema,
        tags=("admin",),
        summary="Abandoned-cart reminders issued in the last `days`, how many an order from the "
        "same cart followed, and those carts' value",
    )
    def admin_reminder_stats(self, request, user, query):
        return self.cart_rpc.reminder_stats(query["days"])
