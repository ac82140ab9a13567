/** A function's output as it arrives (server-sent events); the newest lines stay in view unless the reader scrolled up. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { logsUrl, type LogLine } from './api';
import { clock } from './format';

const KEEP = 500;

export function LogsView({ name }: { name: string }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [state, setState] = useState<'connecting' | 'live' | 'closed'>('connecting');
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const source = new EventSource(logsUrl(name));
    source.onopen = () => setState('live');
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    source.onmessage = (event) => {
      const line = JSON.parse(event.data as string) as LogLine;
      setLines((previous) => {
        const next = previous.length >= KEEP ? previous.slice(previous.length - KEEP + 1) : previous.slice();
        next.push(line);
        return next;
      });
    };
    // Reconnecting sends the kept lines again; start from empty each time.
    source.addEventListener('open', () => setLines([]));
    return () => source.close();
  }, [name]);
  useEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [lines]);
  return (
    <div>
      <p class="muted small" aria-live="polite">
        {state === 'live' ? 'Live: new lines appear as the function writes them.' : state === 'connecting' ? 'Connecting…' : 'Disconnected.'}
      </p>
      <div
        class="logs"
        ref={box}
        tabIndex={0}
        aria-label={`Logs of ${name}`}
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
        }}
      >
        {lines.length === 0 ? (
          <p class="muted">No output yet. A function writes here once it runs.</p>
        ) : (
          lines.map((line, i) => (
            <div class={`log-line ${line.stream}`} key={i}>
              <span class="log-time">{clock(line.at)}</span>
              <span class="log-stream">{line.stream}</span>
              <span class="log-text">{line.text}</span>
            </div>
          ))
        )}
      </div>
    </div>
  );
}
