import { useEffect } from "react";
import { useLocation, useNavigationType } from "react-router";

/** A new page starts at the top; back and forward leave the scroll to the browser, and a change
 * of query alone (filters, pages of a listing) keeps the place. */
export function ScrollToTop() {
  const { pathname } = useLocation();
  const navigationType = useNavigationType();
  useEffect(() => {
    if (navigationType !== "POP") window.scrollTo(0, 0);
  }, [pathname, navigationType]);
  return null;
}
