/**
 * Every function with its status, replicas, traffic and latency, read every 2 s. Search and the status
 * filter run on what is already loaded; at most a page of rows is drawn at once, so a thousand
 * functions neither freeze typing nor the refresh.
 */
import { useMemo, useState } from 'preact/hooks';
import { api, type FunctionRow, type Status } from '../api';
import { ErrorBox, StatusBadge } from '../components';
import { ago, ms, percent } from '../format';
import { usePoll } from '../poll';
import { href } from '../router';

const PAGE = 100;

/** Label, numeric (right-aligned), what it counts. */
const COLUMNS: ReadonlyArray<readonly [string, boolean, string?]> = [
  ['Name', false],
  ['Status', false],
  ['Replicas', true, 'ready / desired'],
  ['Invocations', true, 'since the gateway started'],
  ['Errors', true, 'share of 5xx answers, last 5 minutes'],
  ['p50', true, 'median latency, last 5 minutes'],
  ['p99', true, '99th percentile latency, last 5 minutes'],
  ['Cold starts', true, 'since the gateway started'],
  ['Last call', false],
];

export function FunctionsList() {
  const { data, error } = usePoll(api.functions, 2000, 'list');
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<Status | ''>('');
  const [shown, setShown] = useState(PAGE);
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (data?.functions ?? []).filter((f) => (q === '' || f.name.includes(q)) && (status === '' || f.status === status));
  }, [data, query, status]);
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const f of data?.functions ?? []) c[f.status] = (c[f.status] ?? 0) + 1;
    return c;
  }, [data]);

  return (
    <section aria-labelledby="list-title">
      <div class="page-head">
        <h1 id="list-title">Functions</h1>
        <a class="button primary" href={href({ page: 'deploy' })}>
          Deploy a function
        </a>
      </div>
      <div class="toolbar" role="search">
        <label class="grow">
          <span class="sr-only">Search functions</span>
          <input
            type="search"
            placeholder="Search by name…"
            value={query}
            onInput={(e) => {
              setQuery(e.currentTarget.value);
              setShown(PAGE);
            }}
          />
        </label>
        <label>
          <span class="sr-only">Status</span>
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value as Status | '')}>
            <option value="">Every status ({data?.functions.length ?? 0})</option>
            <option value="ready">Ready ({counts.ready ?? 0})</option>
            <option value="starting">Waking ({counts.starting ?? 0})</option>
            <option value="asleep">Asleep ({counts.asleep ?? 0})</option>
            <option value="failing">Failing to start ({counts.failing ?? 0})</option>
          </select>
        </label>
      </div>
      <ErrorBox message={error === undefined ? undefined : `Could not load the functions: ${error}`} />
      {data && data.invalid.length > 0 && (
        <div class="error" role="status">
          <p>
            {data.invalid.length === 1 ? 'One script does' : `${data.invalid.length} scripts do`} not load and {data.invalid.length === 1 ? 'is' : 'are'} not served:
          </p>
          <ul>
            {data.invalid.map((f) => (
              <li key={f.name}>
                <strong>{f.name}</strong>: {f.problems.join('; ')}
              </li>
            ))}
          </ul>
        </div>
      )}
      {data === undefined && error === undefined && <p class="muted">Loading…</p>}
      {data && data.functions.length === 0 && (
        <p class="empty">
          No functions yet. <a href={href({ page: 'deploy' })}>Deploy one</a>, or add a PEP 723 script to the functions folder.
        </p>
      )}
      {data && data.functions.length > 0 && (
        <>
          <p class="muted small" aria-live="polite">
            {matches.length === data.functions.length ? `${matches.length} functions` : `${matches.length} of ${data.functions.length} functions match`}; calls,
            errors and latency over the last {Math.round(data.windowSeconds / 60)} minutes.
          </p>
          {matches.length === 0 && (
            <p class="empty">
              No function matches{query.trim() === '' ? '' : ` “${query.trim()}”`}
              {status === '' ? '' : ` with status ${status}`}.{' '}
              <button
                type="button"
                class="link"
                onClick={() => {
                  setQuery('');
                  setStatus('');
                }}
              >
                Show all
              </button>
            </p>
          )}
          <div class="table-wrap" hidden={matches.length === 0}>
            <table class="functions">
              <thead>
                <tr>
                  {COLUMNS.map(([label, numeric, title]) => (
                    <th scope="col" class={numeric ? 'num' : undefined} title={title} key={label}>
                      {label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {matches.slice(0, shown).map((f) => (
                  <Row key={f.name} f={f} now={data.now} />
                ))}
              </tbody>
            </table>
          </div>
          {matches.length > shown && (
            <button type="button" onClick={() => setShown(shown + PAGE)}>
              Show {Math.min(PAGE, matches.length - shown)} more of {matches.length - shown}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function Row({ f, now }: { f: FunctionRow; now: number }) {
  return (
    <tr data-function={f.name}>
      <th scope="row">
        <a href={href({ page: 'function', name: f.name })}>{f.name}</a>
      </th>
      <td>
        <StatusBadge status={f.status} message={f.statusMessage} />
        {f.reason !== undefined && <div class="reason">{f.reason}</div>}
      </td>
      <td class="num">
        {f.replicas.ready}/{f.replicas.desired}
      </td>
      <td class="num">{f.invocations}</td>
      <td class="num">{percent(f.recent.errorRate, f.recent.calls)}</td>
      <td class="num">{ms(f.recent.p50Ms)}</td>
      <td class="num">{ms(f.recent.p99Ms)}</td>
      <td class="num">{f.recent.coldStarts}</td>
      <td>{ago(f.recent.lastCallAt, now)}</td>
    </tr>
  );
}
