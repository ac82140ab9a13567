/**
 * What a dashboard query reads, by Prometheus's own PromQL grammar (lezer-promql): each vector
 * selector's metric and the labels it matches on, and whether the query parses at all.
 */
import { parser } from '@prometheus-io/lezer-promql';

export interface Selector {
  readonly metric: string;
  readonly labels: readonly string[];
}

/** Grafana's variables, as Grafana would put values in before Prometheus sees the query. */
export function withGrafanaVariables(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '1m').replaceAll('$__range', '1h');
}

export function parseQuery(expr: string): { selectors: Selector[]; errors: string[]; grouping: string[] } {
  const text = withGrafanaVariables(expr);
  const selectors: Selector[] = [];
  const errors: string[] = [];
  const grouping: string[] = [];
  let current: { metric: string; labels: string[] } | undefined;
  parser.parse(text).iterate({
    enter(node) {
      const slice = text.slice(node.from, node.to);
      if (node.type.isError) errors.push(`at ${node.from}: ${JSON.stringify(text.slice(Math.max(0, node.from - 10), node.to + 10))}`);
      else if (node.name === 'VectorSelector') {
        current = { metric: '', labels: [] };
        selectors.push(current);
      } else if (node.name === 'Identifier' && current !== undefined && current.metric === '') current.metric = slice;
      else if (node.name === 'LabelName') {
        if (node.node.parent?.name === 'GroupingLabels') grouping.push(slice);
        else current?.labels.push(slice);
      }
    },
    leave(node) {
      if (node.name === 'VectorSelector') current = undefined;
    },
  });
  return { selectors, errors, grouping };
}

/** Metric name → the label names its series carry, from Prometheus text exposition. */
export function scrapedSeries(text: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? /.exec(line);
    if (!match) continue;
    const labels = series.get(match[1]!) ?? new Set<string>();
    for (const pair of match[3]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g) ?? []) labels.add(pair[1]!);
    series.set(match[1]!, labels);
  }
  return series;
}
