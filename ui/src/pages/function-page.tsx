/** One function: its status and numbers, settings as resolved from its PEP 723 block, chart, cold starts, script and live logs. */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { CallChart } from '../chart';
import { CodeView, Confirm, ErrorBox, StatusBadge } from '../components';
import { ago, clock, ms, percent } from '../format';
import { LogsView } from '../logs-view';
import { usePoll } from '../poll';
import { go, href } from '../router';

export function FunctionPage({ name }: { name: string }) {
  const { data: f, error, refresh } = usePoll(() => api.function(name), 2000, name);
  const [replicas, setReplicas] = useState<string>('');
  const [action, setAction] = useState<{ error?: string; problems?: readonly string[]; done?: string }>({});
  const [confirmDelete, setConfirmDelete] = useState(false);

  if (f === undefined) {
    return (
      <section>
        <p>
          <a href={href({ page: 'list' })}>← Functions</a>
        </p>
        <h1>{name}</h1>
        {error === undefined ? <p class="muted">Loading…</p> : <ErrorBox message={error} />}
      </section>
    );
  }
  const s = f.settings;
  const scale = async (event: Event) => {
    event.preventDefault();
    const n = Number(replicas);
    if (!Number.isInteger(n) || n < 0) return setAction({ error: 'Replicas must be a whole number, 0 or more.' });
    try {
      await api.scale(name, n);
      setAction({ done: `Asked for ${n} replica${n === 1 ? '' : 's'}.` });
      refresh();
    } catch (e) {
      setAction({ error: (e as Error).message, problems: e instanceof ApiError ? e.problems : [] });
    }
  };
  const remove = async (yes: boolean) => {
    setConfirmDelete(false);
    if (!yes) return;
    try {
      await api.remove(name);
      go({ page: 'list' });
    } catch (e) {
      setAction({ error: (e as Error).message });
    }
  };

  return (
    <section aria-labelledby="fn-title">
      <p>
        <a href={href({ page: 'list' })}>← Functions</a>
      </p>
      <div class="page-head">
        <h1 id="fn-title">
          {f.name} <StatusBadge status={f.status} message={f.statusMessage} />
        </h1>
        <div class="actions">
          <a class="button primary" href={href({ page: 'invoke', name })}>
            Invoke
          </a>
          <a class="button" href={href({ page: 'deploy', name })}>
            Edit and redeploy
          </a>
          <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        </div>
      </div>
      {f.reason !== undefined && (
        <div class="error" role="status">
          <p>Failing to start: {f.reason}</p>
          <p class="small">
            Fix the script (<a href={href({ page: 'deploy', name })}>edit and redeploy</a>); the next call tries again. Its last output:
          </p>
          {f.logTail && <pre class="tail">{f.logTail}</pre>}
        </div>
      )}
      <ErrorBox message={action.error} problems={action.problems} />
      {action.done && (
        <p class="ok" role="status">
          {action.done}
        </p>
      )}

      <dl class="stats">
        <div>
          <dt title="ready / desired">Replicas</dt>
          <dd>
            {f.replicas.ready} / {f.replicas.desired} ready
          </dd>
        </div>
        <div>
          <dt>Invocations</dt>
          <dd>{f.invocations}</dd>
        </div>
        <div>
          <dt>Error rate (5 min)</dt>
          <dd>{percent(f.recent.errorRate, f.recent.calls)}</dd>
        </div>
        <div>
          <dt>p50 / p99 (5 min)</dt>
          <dd>
            {ms(f.recent.p50Ms)} / {ms(f.recent.p99Ms)}
          </dd>
        </div>
        <div>
          <dt>Cold starts</dt>
          <dd>{f.recent.coldStarts}</dd>
        </div>
        <div>
          <dt>Last call</dt>
          <dd>
            {ago(f.recent.lastCallAt)}
            {f.recent.lastStatus !== undefined && ` (${f.recent.lastStatus})`}
          </dd>
        </div>
      </dl>

      <div class="grid">
        <section aria-labelledby="chart-title" class="card">
          <h2 id="chart-title">Calls and latency</h2>
          <CallChart series={f.series} slotSeconds={10} />
        </section>
        <section aria-labelledby="cold-title" class="card">
          <h2 id="cold-title">Recent cold starts</h2>
          {f.coldStarts.length === 0 ? (
            <p class="muted">None since the gateway started.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">At</th>
                  <th scope="col">Took</th>
                </tr>
              </thead>
              <tbody>
                {f.coldStarts.map((c) => (
                  <tr key={c.at}>
                    <td>{clock(c.at)}</td>
                    <td>{c.seconds !== undefined ? ms(c.seconds * 1000) : <span class="bad">failed: {c.failure}</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <form class="inline" onSubmit={scale}>
            <label>
              Scale to
              <input type="number" min={0} inputMode="numeric" value={replicas} placeholder={String(f.replicas.desired)} onInput={(e) => setReplicas(e.currentTarget.value)} />
            </label>
            <button type="submit">Scale</button>
          </form>
        </section>
      </div>

      <section aria-labelledby="settings-title" class="card">
        <h2 id="settings-title">Settings</h2>
        <p class="muted small">As resolved from the script's PEP 723 block, defaults filled in.</p>
        <dl class="settings">
          <dt>requires-python</dt>
          <dd>{s.requiresPython ?? 'any'}</dd>
          <dt>dependencies</dt>
          <dd>{s.dependencies.length === 0 ? 'none' : s.dependencies.join(', ')}</dd>
          <dt>min-replicas</dt>
          <dd>{s.minReplicas}</dd>
          <dt>max-replicas</dt>
          <dd>{s.maxReplicas}</dd>
          <dt>idle-timeout</dt>
          <dd>{s.idleTimeout}</dd>
          <dt>timeout</dt>
          <dd>{s.timeout}</dd>
          <dt>memory</dt>
          <dd>{s.memory}</dd>
          <dt>cpu</dt>
          <dd>{s.cpu}</dd>
          <dt>env</dt>
          <dd>{Object.keys(s.env).length === 0 ? 'none' : Object.entries(s.env).map(([k, v]) => `${k}=${v}`).join(', ')}</dd>
          <dt>secrets</dt>
          <dd>{s.secrets.length === 0 ? 'none' : s.secrets.join(', ')}</dd>
        </dl>
      </section>

      <section aria-labelledby="script-title" class="card">
        <h2 id="script-title">Script</h2>
        <CodeView source={f.source} />
      </section>

      <section aria-labelledby="logs-title" class="card">
        <h2 id="logs-title">Logs</h2>
        {f.logs ? <LogsView name={name} /> : <p class="muted">This gateway's backend keeps no logs the UI can show.</p>}
      </section>

      <Confirm open={confirmDelete} title={`Delete ${name}?`} confirmLabel="Delete" danger onAnswer={(yes) => void remove(yes)}>
        <p>
          Its instances stop and its script is removed. This cannot be undone from here; redeploy the script to bring it back.
        </p>
      </Confirm>
    </section>
  );
}
