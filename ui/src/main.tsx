/** The web UI's entry: a header with the pages, and the page the URL's fragment names. */
import { render } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { url } from './api';
import { FunctionPage } from './pages/function-page';
import { FunctionsList } from './pages/functions-list';
import { DeployPage } from './pages/deploy-page';
import { InvokePage } from './pages/invoke-page';
import { href, useRoute, type Route } from './router';
import './style.css';

function Nav({ route }: { route: Route }) {
  const link = (to: Route, label: string) => (
    <a href={href(to)} aria-current={route.page === to.page || (to.page === 'list' && route.page === 'function') ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <header class="top">
      <a class="brand" href={href({ page: 'list' })}>
        Poorman FaaS
      </a>
      <nav aria-label="Pages">
        {link({ page: 'list' }, 'Functions')}
        {link({ page: 'invoke' }, 'Invoke')}
        {link({ page: 'deploy' }, 'Deploy')}
      </nav>
      <form method="post" action={url('/ui/logout')} class="logout">
        <button type="submit" class="link">
          Log out
        </button>
      </form>
    </header>
  );
}

function App() {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // A keyboard or screen-reader user lands on the new page, not on the link that led there.
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [route]);
  let page;
  switch (route.page) {
    case 'function':
      page = <FunctionPage key={route.name} name={route.name} />;
      break;
    case 'invoke':
      page = <InvokePage key={route.name ?? ''} name={route.name} />;
      break;
    case 'deploy':
      page = <DeployPage key={route.name ?? ''} name={route.name} />;
      break;
    default:
      page = <FunctionsList />;
  }
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <Nav route={route} />
      <main id="main" tabIndex={-1} ref={main}>
        {page}
      </main>
    </>
  );
}

const root = document.getElementById('app')!;
// The shell's "Loading…" goes; Preact would otherwise keep it beside the app.
root.replaceChildren();
render(<App />, root);
