/** Pages live in the URL's fragment (`#/functions/echo`), so the gateway serves one document for all of them. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'list' }
  | { page: 'function'; name: string }
  | { page: 'invoke'; name?: string }
  | { page: 'deploy'; name?: string };

export function parseRoute(hash: string): Route {
  const [page, raw] = hash.replace(/^#\/?/, '').split('/');
  const name = raw === undefined || raw === '' ? undefined : decodeURIComponent(raw);
  if (page === 'functions' && name !== undefined) return { page: 'function', name };
  if (page === 'invoke') return name === undefined ? { page: 'invoke' } : { page: 'invoke', name };
  if (page === 'deploy') return name === undefined ? { page: 'deploy' } : { page: 'deploy', name };
  return { page: 'list' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'list':
      return '#/';
    case 'function':
      return `#/functions/${encodeURIComponent(route.name)}`;
    default:
      return `#/${route.page}${route.name === undefined ? '' : `/${encodeURIComponent(route.name)}`}`;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function go(route: Route): void {
  location.hash = href(route);
}
