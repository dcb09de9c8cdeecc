"""The caller's in-app inbox. Live updates arrive on the WebSocket /ws (gateway/ws.py)."""

from gateway.api import api
from gateway.schemas.notifications import (
    InboxQuery,
    InboxSchema,
    MarkedReadSchema,
    NotificationSchema,
)
from services.common.rpc import RpcProxy

TAGS = ("notifications",)


class NotificationRoutes:
    notifications_rpc = RpcProxy("notifications")

    @api(
        "GET",
        "/api/notifications",
        auth=True,
        query=InboxQuery,
        response=InboxSchema,
        tags=TAGS,
        summary="Your notifications, newest first (meta.unread counts unread ones)",
    )
    def list_notifications(self, request, user, query):
        return self.notifications_rpc.list_inbox(
            user.user_id, query["page"], query["limit"], query["unread"]
        )

    @api(
        "POST",
        "/api/notifications/<notification_id>/read",
        auth=True,
        response=NotificationSchema,
        tags=TAGS,
        summary="Mark one notification read",
    )
    def mark_notification_read(self, request, user, notification_id):
        return self.notifications_rpc.mark_read(user.user_id, notification_id)

    @api(
        "POST",
        "/api/notifications/read-all",
        auth=True,
        response=MarkedReadSchema,
        tags=TAGS,
        summary="Mark all your notifications read",
    )
    def mark_all_notifications_read(self, request, user):
        return self.notifications_rpc.mark_all_read(user.user_id)
