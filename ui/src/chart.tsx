/** Calls per slot as bars and p50/p99 as lines over the last minutes, drawn as plain SVG. */
import type { FunctionDetail } from './api';
import { clock, ms } from './format';

const W = 640;
const H = 160;
const PAD = { left: 44, right: 64, top: 10, bottom: 22 };

export function CallChart({ series, slotSeconds }: { series: FunctionDetail['series']; slotSeconds: number }) {
  const maxCalls = Math.max(1, ...series.map((p) => p.calls));
  const maxMs = Math.max(1, ...series.map((p) => p.p99Ms ?? 0));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const step = innerW / series.length;
  const x = (i: number) => PAD.left + i * step;
  const yCalls = (n: number) => PAD.top + innerH - (n / maxCalls) * innerH;
  const yMs = (v: number) => PAD.top + innerH - (v / maxMs) * innerH;
  const line = (pick: (p: FunctionDetail['series'][number]) => number | undefined) =>
    series
      .map((p, i) => [i, pick(p)] as const)
      .filter(([, v]) => v !== undefined)
      .map(([i, v]) => `${x(i) + step / 2},${yMs(v!)}`)
      .join(' ');
  const total = series.reduce((sum, p) => sum + p.calls, 0);
  const first = series[0];
  const last = series.at(-1);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${total} calls in the last ${Math.round((series.length * slotSeconds) / 60)} minutes`}>
        <line class="axis" x1={PAD.left} x2={W - PAD.right} y1={PAD.top + innerH} y2={PAD.top + innerH} />
        {series.map((p, i) =>
          p.calls > 0 ? (
            <rect class={p.errors > 0 ? 'bar has-errors' : 'bar'} x={x(i) + 1} width={Math.max(1, step - 2)} y={yCalls(p.calls)} height={PAD.top + innerH - yCalls(p.calls)} key={p.at}>
              <title>
                {clock(p.at)}: {p.calls} calls, {p.errors} errors, p50 {ms(p.p50Ms)}, p99 {ms(p.p99Ms)}
              </title>
            </rect>
          ) : null,
        )}
        <polyline class="p99" points={line((p) => p.p99Ms)} />
        <polyline class="p50" points={line((p) => p.p50Ms)} />
        {series.map((p, i) =>
          p.p50Ms === undefined ? null : (
            <g key={`dot-${p.at}`}>
              <circle class="p99" cx={x(i) + step / 2} cy={yMs(p.p99Ms!)} r={3} />
              <circle class="p50" cx={x(i) + step / 2} cy={yMs(p.p50Ms)} r={3} />
            </g>
          ),
        )}
        <text class="label" x={PAD.left - 6} y={PAD.top + 8} text-anchor="end">
          {maxCalls}
        </text>
        <text class="label" x={PAD.left - 6} y={PAD.top + innerH} text-anchor="end">
          0
        </text>
        <text class="label" x={W - PAD.right + 6} y={PAD.top + 8}>
          {ms(maxMs)}
        </text>
        <text class="label" x={W - PAD.right + 6} y={PAD.top + innerH}>
          0 ms
        </text>
        {first && (
          <text class="label" x={PAD.left} y={H - 6}>
            {clock(first.at)}
          </text>
        )}
        {last && (
          <text class="label" x={W - PAD.right} y={H - 6} text-anchor="end">
            {clock(last.at)}
          </text>
        )}
      </svg>
      <figcaption>
        <span class="key bar-key">calls per {slotSeconds} s</span> <span class="key p50-key">p50</span> <span class="key p99-key">p99</span>
      </figcaption>
    </figure>
  );
}
