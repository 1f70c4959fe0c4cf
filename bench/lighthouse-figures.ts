// What the page bench reads from a Lighthouse result: the performance figures it
// tables (score, FCP, LCP, TBT, CLS, Speed Index, bytes), the images the page
// requested, and what explains a score below 100 or a shift (the LCP element, the
// shifted elements, the performance audits that did not pass), plus the medians and
// tables it prints. Lighthouse's result is typed here by the fields read, so that
// `npm run lint` type-checks the bench without bench/'s packages installed.

export interface Audit {
  title?: string;
  score?: number | null;
  scoreDisplayMode?: string;
  numericValue?: number;
  displayValue?: string;
  details?: { items?: unknown[] };
}
export interface Result {
  lighthouseVersion: string;
  finalDisplayedUrl: string;
  runtimeError?: { code: string; message: string };
  runWarnings: string[];
  environment: { hostUserAgent: string; benchmarkIndex: number };
  categories: { performance: { score: number | null; auditRefs: { id: string }[] } };
  audits: Record<string, Audit>;
}

export const metrics = {
  score: { label: 'Performance', of: (r: Result) => (r.categories.performance.score ?? 0) * 100 },
  fcp: { label: 'FCP', of: (r: Result) => audit(r, 'first-contentful-paint') },
  lcp: { label: 'LCP', of: (r: Result) => audit(r, 'largest-contentful-paint') },
  tbt: { label: 'TBT', of: (r: Result) => audit(r, 'total-blocking-time') },
  cls: { label: 'CLS', of: (r: Result) => audit(r, 'cumulative-layout-shift') },
  speedIndex: { label: 'Speed Index', of: (r: Result) => audit(r, 'speed-index') },
  bytes: { label: 'Total byte weight', of: (r: Result) => audit(r, 'total-byte-weight') },
} as const;
export type Metric = keyof typeof metrics;
export type Figures = Record<Metric, number>;

function audit(result: Result, id: string): number {
  const value = result.audits[id]?.numericValue;
  if (value === undefined)
    throw new Error(`Lighthouse gave no ${id} for ${result.finalDisplayedUrl}`);
  return value;
}

export function figuresOf(result: Result): Figures {
  return Object.fromEntries(Object.entries(metrics).map(([k, m]) => [k, m.of(result)])) as Figures;
}

export const shown: Record<Metric, (v: number) => string> = {
  score: (v) => v.toFixed(0),
  fcp: seconds,
  lcp: seconds,
  tbt: (v) => `${v.toFixed(0)} ms`,
  cls: (v) => v.toFixed(3),
  speedIndex: seconds,
  bytes: kib,
};
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Why a run scored what it did, beyond its figures. */
export interface Explained {
  /** The page's image requests and their bytes on the wire. */
  images: { requests: number; bytes: number };
  /** The LCP element, as Lighthouse labels it. */
  lcpElement: string;
  /** Each element that shifted, with its share of the CLS. */
  shifts: { element: string; score: number }[];
  /** The main thread's time by kind (scriptEvaluation, styleLayout, paintCompositeRender…), ms. */
  mainThread: Record<string, number>;
  /** The main thread's tasks over 50 ms (simulated), with the script Lighthouse blames. */
  longTasks: { url: string; startTime: number; duration: number }[];
  /** The performance audits that did not pass (score below 0.9), by id: title and value. */
  failed: Record<string, { title: string; value?: string }>;
}

interface NetworkItem {
  resourceType?: string;
  transferSize?: number;
}
interface NodeValue {
  nodeLabel?: string;
  selector?: string;
}
const labelOf = (node: NodeValue | undefined) =>
  node ? `${node.selector ?? '?'} "${(node.nodeLabel ?? '').slice(0, 40)}"` : '-';

export function explain(result: Result): Explained {
  const requests = (result.audits['network-requests']?.details?.items ?? []) as NetworkItem[];
  const images = requests.filter((r) => r.resourceType === 'Image');
  const lcpTable = result.audits['largest-contentful-paint-element']?.details?.items?.[0] as
    { items?: { node?: NodeValue }[] } | undefined;
  const shiftItems = (result.audits['layout-shifts']?.details?.items ?? []) as {
    node?: NodeValue;
    score?: number;
  }[];
  const failed: Explained['failed'] = {};
  for (const { id } of result.categories.performance.auditRefs) {
    const a = result.audits[id];
    if (a?.score === null || a?.score === undefined || a.score >= 0.9) continue;
    if (a.scoreDisplayMode === 'informative' || a.scoreDisplayMode === 'notApplicable') continue;
    failed[id] = { title: a.title ?? id, ...(a.displayValue && { value: a.displayValue }) };
  }
  return {
    images: {
      requests: images.length,
      bytes: images.reduce((sum, r) => sum + (r.transferSize ?? 0), 0),
    },
    lcpElement: labelOf(lcpTable?.items?.[0]?.node),
    shifts: shiftItems.map((s) => ({ element: labelOf(s.node), score: s.score ?? 0 })),
    mainThread: Object.fromEntries(
      (
        (result.audits['mainthread-work-breakdown']?.details?.items ?? []) as {
          group: string;
          duration: number;
        }[]
      ).map((item) => [item.group, item.duration]),
    ),
    longTasks: (result.audits['long-tasks']?.details?.items ?? []) as Explained['longTasks'],
    failed,
  };
}

/** One measured page and form factor, as a table row names it. */
export interface Row {
  /** The table's page cell: the path, and what the store holds when it is not the plain seed. */
  page: string;
  formFactor: string;
}
export interface Run extends Row {
  run: number;
  finalUrl: string;
  benchmarkIndex: number;
  warnings: string[];
  figures: Figures;
  explained: Explained;
}

const metricKeys = Object.keys(metrics) as Metric[];
const cellsOf = (row: Row) => `| ${row.page} | ${row.formFactor} |`;

export function mediansOf(rows: Row[], all: Run[]): Figures[] {
  return rows.map((row) => {
    const these = runsOf(all, row);
    return Object.fromEntries(
      metricKeys.map((k) => [k, median(these.map((r) => r.figures[k]))]),
    ) as Figures;
  });
}

function runsOf(all: Run[], row: Row): Run[] {
  return all.filter((r) => r.page === row.page && r.formFactor === row.formFactor);
}

export function mediansTable(rows: Row[], medians: Figures[]): string {
  const head = `| page | device | ${metricKeys.map((k) => metrics[k].label).join(' | ')} |`;
  const rule = `| --- | --- |${metricKeys.map(() => ' ---: |').join('')}`;
  const lines = rows.map(
    (row, i) => `${cellsOf(row)} ${metricKeys.map((k) => shown[k](medians[i]![k])).join(' | ')} |`,
  );
  return [head, rule, ...lines].join('\n');
}

export function spreadTable(rows: Row[], all: Run[]): string {
  const keys: Metric[] = ['score', 'fcp', 'lcp', 'tbt', 'speedIndex'];
  const head = `| page | device | ${keys.map((k) => `${metrics[k].label} min–max`).join(' | ')} |`;
  const rule = `| --- | --- |${keys.map(() => ' ---: |').join('')}`;
  const lines = rows.map((row) => {
    const these = runsOf(all, row);
    const cells = keys.map((k) => {
      const xs = these.map((r) => r.figures[k]);
      return `${shown[k](Math.min(...xs))} – ${shown[k](Math.max(...xs))}`;
    });
    return `${cellsOf(row)} ${cells.join(' | ')} |`;
  });
  return [head, rule, ...lines].join('\n');
}

/** The median main-thread milliseconds of script, style and layout, and paint. */
function mainThreadCell(e: Explained[]): string {
  const ms = (group: string) => median(e.map((x) => x.mainThread[group] ?? 0)).toFixed(0);
  return `${ms('scriptEvaluation')} / ${ms('styleLayout')} / ${ms('paintCompositeRender')} ms`;
}

/**
 * Per row: the images, the main thread's time, the LCP element, the shifts and the
 * failed audits, each label with how many runs saw it.
 */
export function explainedTable(rows: Row[], all: Run[]): string {
  const head =
    '| page | device | image requests | image bytes | script / style and layout / paint | LCP element | shifted elements | audits below 0.9 |';
  const rule = '| --- | --- | ---: | ---: | ---: | --- | --- | --- |';
  const lines = rows.map((row) => {
    const these = runsOf(all, row);
    const count = (labels: string[]) => {
      const counts = new Map<string, number>();
      for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
      return [...counts].map(([label, n]) => `${label} (${n}/${these.length})`).join('; ') || '-';
    };
    const e = these.map((r) => r.explained);
    return [
      cellsOf(row),
      ` ${median(e.map((x) => x.images.requests))} |`,
      ` ${kib(median(e.map((x) => x.images.bytes)))} |`,
      ` ${mainThreadCell(e)} |`,
      ` ${count(e.map((x) => x.lcpElement))} |`,
      ` ${count(e.flatMap((x) => x.shifts.map((s) => `${s.element} ${s.score.toFixed(3)}`)))} |`,
      ` ${count(e.flatMap((x) => Object.values(x.failed).map((f) => f.title)))} |`,
    ].join('');
  });
  return [head, rule, ...lines].join('\n');
}
