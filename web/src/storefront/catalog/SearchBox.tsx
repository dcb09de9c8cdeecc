import { useEffect, useRef, useState, type FormEvent } from "react";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { EMPTY_QUERY, queryFromParams, searchHref } from "./listing";

const DEBOUNCE_MS = 250;

/**
 * Search as you type: 250 ms after the last key the results page follows the box. On the results
 * page the URL is replaced, not pushed, so Back leaves the search instead of replaying each
 * letter; Enter searches at once.
 */
export function SearchBox() {
  const location = useLocation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const onSearchPage = location.pathname === "/search";
  const urlText = onSearchPage ? (params.get("q") ?? params.get("search") ?? "") : "";
  const [text, setText] = useState(urlText);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  // the text this box last sent, to tell our own URL changes from Back/Forward and links
  const sent = useRef<string | null>(null);

  useEffect(() => {
    const ours = sent.current !== null && sent.current === urlText;
    sent.current = null;
    if (ours) return; // keep what was typed since
    clearTimeout(timer.current);
    setText(urlText);
  }, [urlText, location.key]);

  useEffect(() => () => clearTimeout(timer.current), []);

  // the timer fires after later renders: read the URL as it is then, not as it was at the key
  const here = useRef({ onSearchPage, params, url: location.pathname + location.search });
  here.current = { onSearchPage, params, url: location.pathname + location.search };

  function go(value: string) {
    clearTimeout(timer.current);
    const { onSearchPage, params, url } = here.current;
    if (!onSearchPage && !value.trim()) return;
    const href = searchHref(onSearchPage ? queryFromParams(params) : EMPTY_QUERY, value);
    if (href === url) return;
    sent.current = value.trim();
    void navigate(href, { replace: onSearchPage });
  }

  function onChange(value: string) {
    setText(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => go(value), DEBOUNCE_MS);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    go(text);
  }

  return (
    <form className="header-search" role="search" onSubmit={onSubmit}>
      <label htmlFor="site-search" className="visually-hidden">
        Search products
      </label>
      <input
        id="site-search"
        className="input"
        type="search"
        name="q"
        placeholder="Search products"
        autoComplete="off"
        enterKeyHint="search"
        value={text}
        onChange={(event) => onChange(event.target.value)}
      />
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}
