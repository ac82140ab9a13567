/**
 * Calls a function as any client would (`/function/<name>` or, queued, `/async-function/<name>`)
 * and shows what came back: status, headers, the body as it streams in (JSON pretty-printed once
 * complete), time to first byte and total, and whether the call had to wake the function.
 */
import { useRef, useState } from 'preact/hooks';
import { api, url } from '../api';
import { ErrorBox, StatusBadge } from '../components';
import { bytes, ms } from '../format';
import { usePoll } from '../poll';
import { go, href } from '../router';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** What the page holds of an answer; the rest is counted, not kept. */
const MAX_SHOWN_BYTES = 1024 * 1024;

interface Result {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: string;
  received: number;
  truncated: boolean;
  ttfbMs: number;
  totalMs?: number;
  woke?: string;
  json: boolean;
  async: boolean;
}

function parseHeaders(text: string): { headers: Headers; problem?: string } {
  const headers = new Headers();
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { headers, problem: `Header line ${i + 1} has no "Name: value" form: ${line}` };
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch {
      return { headers, problem: `Header line ${i + 1} is not a valid header: ${line}` };
    }
  }
  return { headers };
}

export function InvokePage({ name }: { name?: string | undefined }) {
  const list = usePoll(api.functions, 2000, 'invoke-list');
  const [method, setMethod] = useState('POST');
  const [path, setPath] = useState('/');
  const [query, setQuery] = useState('');
  const [headerText, setHeaderText] = useState('');
  const [bodyMode, setBodyMode] = useState<'text' | 'json' | 'file'>('text');
  const [body, setBody] = useState('');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [async, setAsync] = useState(false);
  const [result, setResult] = useState<Result | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | undefined>(undefined);
  const current = list.data?.functions.find((f) => f.name === name);

  const send = async (event: Event) => {
    event.preventDefault();
    if (name === undefined) return setProblem('Choose a function first.');
    const parsed = parseHeaders(headerText);
    if (parsed.problem) return setProblem(parsed.problem);
    let payload: BodyInit | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      if (bodyMode === 'json' && body.trim() !== '') {
        // Checked here, sent as typed.
        try {
          JSON.parse(body);
          payload = body;
        } catch (e) {
          return setProblem(`The body is not valid JSON: ${(e as Error).message}`);
        }
        if (!parsed.headers.has('content-type')) parsed.headers.set('content-type', 'application/json');
      } else if (bodyMode === 'file') {
        if (file) {
          payload = file;
          if (!parsed.headers.has('content-type') && file.type) parsed.headers.set('content-type', file.type);
        }
      } else if (body !== '') payload = body;
    }
    const target = `${url(`/${async ? 'async-function' : 'function'}/${encodeURIComponent(name)}`)}${path.startsWith('/') ? path : `/${path}`}${query.trim() === '' ? '' : `?${query.trim().replace(/^\?/, '')}`}`;
    setProblem(undefined);
    setResult(undefined);
    setRunning(true);
    abort.current = new AbortController();
    const started = performance.now();
    try {
      const response = await fetch(target, { method, headers: parsed.headers, credentials: 'omit', signal: abort.current.signal, ...(payload !== undefined && { body: payload }) });
      const ttfbMs = performance.now() - started;
      const type = response.headers.get('content-type') ?? '';
      let shown: Result = {
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers.entries()],
        body: '',
        received: 0,
        truncated: false,
        ttfbMs,
        json: /\bjson\b/.test(type),
        async,
        ...(response.headers.get('x-faas-cold-start') !== null && { woke: response.headers.get('x-faas-cold-start')! }),
      };
      setResult(shown);
      const reader = response.body?.getReader();
      const decoder = new TextDecoder();
      if (reader) {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const received = shown.received + value.length;
          const room = MAX_SHOWN_BYTES - shown.body.length;
          const decoded = decoder.decode(value, { stream: true });
          shown = { ...shown, body: shown.body + decoded.slice(0, Math.max(0, room)), received, truncated: shown.truncated || decoded.length > room };
          setResult(shown);
        }
      }
      shown = { ...shown, body: shown.body + decoder.decode(), totalMs: performance.now() - started };
      setResult(shown);
      list.refresh();
    } catch (e) {
      setProblem((e as Error).name === 'AbortError' ? 'Cancelled.' : `The call failed: ${(e as Error).message}`);
    } finally {
      setRunning(false);
    }
  };

  return (
    <section aria-labelledby="invoke-title">
      <h1 id="invoke-title">Invoke</h1>
      <form class="invoke" onSubmit={send}>
        <div class="row">
          <label>
            Function
            <select value={name ?? ''} onChange={(e) => go({ page: 'invoke', ...(e.currentTarget.value !== '' && { name: e.currentTarget.value }) })}>
              <option value="">Choose…</option>
              {list.data?.functions.map((f) => (
                <option value={f.name} key={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
          {current && (
            <p class="status-now" aria-live="polite">
              Status: <StatusBadge status={current.status} message={current.statusMessage} /> {current.replicas.ready}/{current.replicas.desired} replicas{' '}
              <a href={href({ page: 'function', name: current.name })}>details</a>
            </p>
          )}
        </div>
        <div class="row">
          <label>
            Method
            <select value={method} onChange={(e) => setMethod(e.currentTarget.value)}>
              {METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <label class="grow">
            Path
            <input value={path} onInput={(e) => setPath(e.currentTarget.value)} placeholder="/" />
          </label>
          <label class="grow">
            Query
            <input value={query} onInput={(e) => setQuery(e.currentTarget.value)} placeholder="a=1&b=2" />
          </label>
        </div>
        <label>
          Headers, one per line
          <textarea rows={3} value={headerText} onInput={(e) => setHeaderText(e.currentTarget.value)} placeholder="X-Request-Id: 42" />
        </label>
        <fieldset class="row" disabled={method === 'GET' || method === 'HEAD'}>
          <legend>Body{method === 'GET' || method === 'HEAD' ? ` (none for ${method})` : ''}</legend>
          {(['text', 'json', 'file'] as const).map((mode) => (
            <label class="choice" key={mode}>
              <input type="radio" name="body-mode" value={mode} checked={bodyMode === mode} onChange={() => setBodyMode(mode)} /> {mode === 'json' ? 'JSON' : mode === 'file' ? 'File' : 'Text'}
            </label>
          ))}
        </fieldset>
        {method !== 'GET' && method !== 'HEAD' &&
          (bodyMode === 'file' ? (
            <label>
              File
              <input type="file" onChange={(e) => setFile(e.currentTarget.files?.[0])} />
            </label>
          ) : (
            <label>
              <span class="sr-only">Body</span>
              <textarea class="mono" rows={5} value={body} onInput={(e) => setBody(e.currentTarget.value)} placeholder={bodyMode === 'json' ? '{"hello": "world"}' : 'request body'} />
            </label>
          ))}
        <div class="row">
          <label class="choice">
            <input type="checkbox" checked={async} onChange={(e) => setAsync(e.currentTarget.checked)} /> Asynchronous (queued: answers 202 with a call id)
          </label>
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={running || name === undefined}>
            {running ? 'Calling…' : 'Send'}
          </button>
          {running && (
            <button type="button" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          )}
        </div>
      </form>
      <ErrorBox message={problem} />
      {result && <ResultView result={result} />}
    </section>
  );
}

function ResultView({ result }: { result: Result }) {
  let body = result.body;
  if (result.json && result.totalMs !== undefined) {
    try {
      body = JSON.stringify(JSON.parse(result.body), null, 2);
    } catch {
      // Not JSON after all: shown as it came.
    }
  }
  return (
    <section aria-labelledby="result-title" class="card result">
      <h2 id="result-title">
        <span class={`status status-${Math.floor(result.status / 100)}xx`}>
          {result.status} {result.statusText}
        </span>
      </h2>
      <dl class="stats">
        <div>
          <dt>Time to first byte</dt>
          <dd>{ms(result.ttfbMs)}</dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd>{result.totalMs === undefined ? 'streaming…' : ms(result.totalMs)}</dd>
        </div>
        <div>
          <dt>Woke the function</dt>
          <dd>{result.async ? 'not known (queued)' : result.woke !== undefined ? `yes, waited ${ms(Number(result.woke) * 1000)}` : 'no, it was ready'}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{bytes(result.received)}</dd>
        </div>
      </dl>
      <details>
        <summary>Headers ({result.headers.length})</summary>
        <table class="headers">
          <tbody>
            {result.headers.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <pre class="body" tabIndex={0} aria-label="Response body">
        {body === '' ? <span class="muted">(empty body)</span> : body}
      </pre>
      {result.truncated && <p class="muted small">Only the first {bytes(MAX_SHOWN_BYTES)} are shown.</p>}
    </section>
  );
}
