import { lazy, Suspense, type ComponentType } from "react";
import { Loading } from "./Status";

/** A page whose code is fetched when it is first opened (its own chunk), with a loading state
 * meanwhile. The routers are declarative (<BrowserRouter>): react-router's data router would add
 * some 17 KB gzipped to the storefront's first load for features neither app uses. */
export function lazyPage<P extends object>(
  load: () => Promise<ComponentType<P>>,
): ComponentType<P> {
  const Page = lazy(async () => ({ default: await load() }));
  function LazyPage(props: P) {
    return (
      <Suspense
        fallback={
          <div className="container page">
            <Loading />
          </div>
        }
      >
        <Page {...props} />
      </Suspense>
    );
  }
  return LazyPage;
}
