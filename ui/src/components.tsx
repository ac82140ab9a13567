/** Small pieces several pages share. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';
import type { Status } from './api';

hljs.registerLanguage('python', python);

const STATUS_LABEL: Record<Status, string> = { asleep: 'asleep', starting: 'waking', ready: 'ready', failing: 'failing to start' };

export function StatusBadge({ status, message }: { status: Status; message?: string | undefined }) {
  return (
    <span class={`badge status-${status}`} title={message}>
      {STATUS_LABEL[status]}
    </span>
  );
}

/** The script, read-only and highlighted; highlight.js escapes the text it is given. */
export function CodeView({ source, marks = new Set<number>() }: { source: string; marks?: ReadonlySet<number> }) {
  const lines = hljs.highlight(source, { language: 'python', ignoreIllegals: true }).value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return (
    <pre class="code" tabIndex={0} aria-label="Script">
      {lines.map((html, i) => (
        <span class={marks.has(i + 1) ? 'line marked' : 'line'} key={i}>
          <span class="gutter" aria-hidden="true">
            {i + 1}
          </span>
          {/* highlight.js output: text escaped, only its own <span class> added. */}
          <code dangerouslySetInnerHTML={{ __html: html || ' ' }} />
        </span>
      ))}
    </pre>
  );
}

export function ErrorBox({ message, problems = [] }: { message: string | undefined; problems?: readonly string[] }) {
  if (message === undefined) return null;
  return (
    <div class="error" role="alert">
      <p>{message}</p>
      {problems.length > 0 && (
        <ul>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A modal question with the page behind it inert; Escape or Cancel says no. */
export function Confirm(props: { open: boolean; title: string; children: ComponentChildren; confirmLabel: string; danger?: boolean; onAnswer(yes: boolean): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={dialog} class="confirm" onCancel={() => props.onAnswer(false)} aria-labelledby="confirm-title">
      <h2 id="confirm-title">{props.title}</h2>
      <div>{props.children}</div>
      <div class="actions">
        <button type="button" onClick={() => props.onAnswer(false)}>
          Cancel
        </button>
        <button type="button" class={props.danger ? 'danger' : 'primary'} onClick={() => props.onAnswer(true)}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
