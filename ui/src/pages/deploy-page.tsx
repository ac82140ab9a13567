/**
 * Paste or upload a script; its problems are checked as you type (the gateway's own validation,
 * POST /ui/api/validate) and shown at their lines, and only a script without problems can be
 * deployed. Replacing a function that exists asks first. The deploy itself is the admin API's
 * POST /system/functions, with the same rules as any client.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Validation } from '../api';
import { Confirm, ErrorBox } from '../components';
import { go, href } from '../router';

const TEMPLATE = `# /// script
# requires-python = ">=3.11"
# dependencies = []
#
# [tool.faas]
# min-replicas = 0
# idle-timeout = "2m"
# ///

def handle(req):
    return f"hello, {req or 'world'}"
`;

export function DeployPage({ name: editing }: { name?: string | undefined }) {
  const [name, setName] = useState(editing ?? '');
  const [source, setSource] = useState(editing === undefined ? TEMPLATE : '');
  const [loaded, setLoaded] = useState(editing === undefined);
  const [validation, setValidation] = useState<Validation | undefined>(undefined);
  const [checking, setChecking] = useState(false);
  const [existing, setExisting] = useState<ReadonlySet<string>>(new Set());
  const [confirm, setConfirm] = useState(false);
  const [outcome, setOutcome] = useState<{ error?: string; problems?: readonly string[]; done?: string }>({});
  const editor = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api.functions().then((list) => setExisting(new Set(list.functions.map((f) => f.name))), () => undefined);
    if (editing !== undefined) {
      api.function(editing).then(
        (f) => {
          setSource(f.source);
          setLoaded(true);
        },
        (e: Error) => setOutcome({ error: `Could not load ${editing}: ${e.message}` }),
      );
    }
  }, [editing]);

  // Checked a moment after typing stops; an answer to an older text is dropped.
  useEffect(() => {
    if (!loaded) return;
    let current = true;
    setChecking(true);
    const timer = setTimeout(() => {
      api.validate(name.trim(), source).then(
        (v) => current && (setValidation(v), setChecking(false)),
        (e: Error) => current && (setOutcome({ error: `Could not check the script: ${e.message}` }), setChecking(false)),
      );
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [name, source, loaded]);

  const problems = validation?.problems ?? [];
  const lineProblems = new Map<number, string[]>();
  for (const p of problems) if (p.line > 0) lineProblems.set(p.line, [...(lineProblems.get(p.line) ?? []), p.message]);
  const lines = source.split('\n');
  const replacing = existing.has(name.trim());
  const ready = validation !== undefined && validation.ok && !checking && validation.name === name.trim();

  const deploy = async () => {
    setOutcome({});
    try {
      const answer = await api.deploy(name.trim(), source);
      setOutcome({ done: answer.message });
      go({ page: 'function', name: name.trim() });
    } catch (e) {
      setOutcome({ error: (e as Error).message, problems: e instanceof ApiError ? e.problems : [] });
    }
  };
  const jumpTo = (line: number) => {
    const el = editor.current;
    if (!el) return;
    const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(offset, offset + (lines[line - 1]?.length ?? 0));
    const lineHeight = el.scrollHeight / Math.max(1, lines.length);
    el.scrollTop = Math.max(0, (line - 3) * lineHeight);
  };

  return (
    <section aria-labelledby="deploy-title">
      <h1 id="deploy-title">{editing === undefined ? 'Deploy a function' : `Edit and redeploy ${editing}`}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          if (replacing) setConfirm(true);
          else void deploy();
        }}
      >
        <div class="row">
          <label class="grow">
            Name
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="hello" required aria-describedby="name-help" spellcheck={false} autocapitalize="off" />
          </label>
          <label>
            Or upload a .py file
            <input
              type="file"
              accept=".py,text/x-python,text/plain"
              onChange={async (e) => {
                const file = e.currentTarget.files?.[0];
                if (!file) return;
                setSource(await file.text());
                if (name.trim() === '') setName(file.name.replace(/\.py$/, '').toLowerCase().replace(/_/g, '-'));
              }}
            />
          </label>
        </div>
        <p id="name-help" class="muted small">
          {replacing ? `A function named ${name.trim()} exists: deploying replaces its script.` : 'Lower-case letters, digits and dashes; the function is called at /function/<name>.'}
        </p>
        <div class="editor">
          <div class="gutter-col" ref={gutter} aria-hidden="true">
            {lines.map((_, i) => (
              <div class={lineProblems.has(i + 1) ? 'gl bad' : 'gl'} key={i}>
                {i + 1}
              </div>
            ))}
          </div>
          <textarea
            ref={editor}
            class="mono"
            aria-label="Script"
            aria-describedby="problems"
            spellcheck={false}
            wrap="off"
            rows={Math.min(30, Math.max(12, lines.length + 1))}
            value={source}
            onInput={(e) => setSource(e.currentTarget.value)}
            onScroll={(e) => gutter.current && (gutter.current.scrollTop = e.currentTarget.scrollTop)}
          />
        </div>
        <div id="problems" aria-live="polite">
          {checking && <p class="muted small">Checking…</p>}
          {!checking && validation?.ok && <p class="ok">No problems found: ready to deploy.</p>}
          {problems.length > 0 && (
            <div class="error">
              <p>
                {problems.length === 1 ? 'One problem' : `${problems.length} problems`} to fix before deploying:
              </p>
              <ul class="problems">
                {problems.map((p, i) => (
                  <li key={i}>
                    {p.line > 0 ? (
                      <button type="button" class="link" onClick={() => jumpTo(p.line)}>
                        line {p.line}
                      </button>
                    ) : (
                      <strong>name</strong>
                    )}
                    {p.key !== undefined && p.line > 0 && <code>{p.key}</code>}: {p.message}
                    {p.line > 0 && lines[p.line - 1] !== undefined && <pre class="excerpt">{`${p.line} | ${lines[p.line - 1]}`}</pre>}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
        <ErrorBox message={outcome.error} problems={outcome.problems} />
        <div class="actions">
          <button type="submit" class="primary" disabled={!ready}>
            {replacing ? 'Redeploy' : 'Deploy'}
          </button>
          <a class="button" href={editing === undefined ? href({ page: 'list' }) : href({ page: 'function', name: editing })}>
            Cancel
          </a>
        </div>
      </form>
      <Confirm
        open={confirm}
        title={`Replace ${name.trim()}?`}
        confirmLabel="Redeploy"
        onAnswer={(yes) => {
          setConfirm(false);
          if (yes) void deploy();
        }}
      >
        <p>The running function gets this script; its instances are replaced.</p>
      </Confirm>
    </section>
  );
}
