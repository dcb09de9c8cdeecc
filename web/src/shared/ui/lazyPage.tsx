import { lazy, Suspense, type ComponentType, type ReactElement } from "react";
import { matchRoutes, type RouteObject } from "react-router";
import { Loading } from "./Status";

/** A page component with `preload()`: fetch its code now; resolves once it is loaded. */
type LazyPage<P> = ((props: P) => ReactElement) & { preload: () => Promise<void> };

/** A page whose code is fetched when it is first opened (its own chunk), with a loading state
 * meanwhile. Once loaded it renders directly, without a Suspense boundary: React 19 holds back
 * a boundary's content for up to 300 ms after its fallback showed, which cost every first page
 * view ~250 ms. The routers are declarative (<BrowserRouter>): react-router's data router adds
 * some 17 KB gzipped to the storefront's first load for features neither app uses. */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): LazyPage<P> {
  let Loaded: ComponentType<P> | null = null;
  let loading: Promise<void> | null = null;
  const preload = () =>
    (loading ??= load().then((component) => {
      Loaded = component;
    }));
  const Suspended = lazy(async () => {
    await preload();
    return { default: Loaded as ComponentType<P> };
  });
  function Page(props: P) {
    if (Loaded) return <Loaded {...props} />;
    return (
      <Suspense
        fallback={
          <div className="container page">
            <Loading />
          </div>
        }
      >
        <Suspended {...props} />
      </Suspense>
    );
  }
  return Object.assign(Page, { preload });
}

/** Load the code of the pages the current URL shows before the first render, so the first
 * paint is the page itself rather than a spinner. */
export async function preloadPages(routes: RouteObject[], basename?: string): Promise<void> {
  const matches = matchRoutes(routes, window.location, basename) ?? [];
  await Promise.all(
    matches.map((match) => {
      const type = (match.route.element as ReactElement | undefined)?.type as
        | { preload?: () => Promise<void> }
        | undefined;
      return type?.preload?.().catch(() => undefined);
    }),
  );
}
