import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { useSession } from "../../shared/hooks";
import { useLiveMessages } from "../../shared/live";
import { useSignOut } from "../../shared/signOut";
import { useToast } from "../../shared/ui/Toasts";
import { refreshInbox, useUnreadCount } from "./menu";

/** Header: "Sign in" for guests; for a signed-in shopper a menu with the live unread badge. */
export function AccountMenu() {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const here = location.pathname + location.search;
    const next = here === "/" || here.startsWith("/signin") || here.startsWith("/register") ? "" : `?next=${encodeURIComponent(here)}`;
    return (
      <Link to={`/signin${next}`} className="account-signin">
        Sign in
      </Link>
    );
  }
  return <SignedInMenu firstName={session.user?.firstName ?? "Account"} />;
}

function SignedInMenu({ firstName }: { firstName: string }) {
  const [open, setOpen] = useState(false);
  const unread = useUnreadCount();
  const queryClient = useQueryClient();
  const toast = useToast();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const location = useLocation();
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  // every push that carries an inbox entry changes the unread count; it is also said in a toast,
  // except on the page of the order it is about, which shows the change itself
  useLiveMessages((message) => {
    // pushes sent while the socket was down are lost: read the inbox again
    if (message.type === "reconnected") return void refreshInbox(queryClient);
    if (!message.notification) return;
    void refreshInbox(queryClient);
    const title = (message.notification as { title?: string }).title;
    const orderId = message.data?.orderId;
    if (title && !(typeof orderId === "string" && location.pathname === `/orders/${orderId}`)) {
      toast(title);
    }
  });

  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent) {
        if (event.key === "Escape") {
          setOpen(false);
          button.current?.focus();
        }
      } else if (!root.current?.contains(event.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  return (
    <div className="account-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="account-menu-button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="visually-hidden">Your account: </span>
        <span>{firstName}</span>
        {unread > 0 ? (
          <span className="visually-hidden">
            , {unread} unread notification{unread === 1 ? "" : "s"}
          </span>
        ) : null}
        {unread > 0 ? (
          <span className="unread-badge" aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
        <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <ul id={menuId} className="account-menu-list card">
          <li>
            <Link to="/account">Profile</Link>
          </li>
          <li>
            <Link to="/account/orders">Orders</Link>
          </li>
          <li>
            <Link to="/account/addresses">Addresses</Link>
          </li>
          <li>
            <Link to="/account/notifications">
              Notifications{unread > 0 ? ` (${unread} unread)` : ""}
            </Link>
          </li>
          <li>
            <button
              type="button"
              className="button-link"
              disabled={signOut.isPending}
              onClick={() =>
                signOut.mutate(undefined, {
                  onSettled: () => {
                    setOpen(false);
                    navigate("/");
                  },
                })
              }
            >
              Sign out
            </button>
          </li>
        </ul>
      ) : null}
    </div>
  );
}
