/**
 * Counter series: a metric name plus labels, keyed by one canonical string so deltas from many
 * isolates add up in the MetricsCounter Durable Object. Pure; shared by the buffer, the Durable
 * Object and the Prometheus renderer.
 */
export type Labels = Record<string, string>;

export interface MetricDelta {
  name: string;
  labels: Labels;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Label values are cut here: a route template or a reason code never needs more. */
const MAX_LABEL_VALUE = 200;

function isValidMetricName(name: string): boolean {
  return NAME.test(name) && name.length <= 200;
}

function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith("__") && name.length <= 100;
}

/**
 * A delta worth counting: a valid metric and label names, a positive whole increment. Checked
 * where counts are buffered and again where they are stored (the Durable Object trusts no caller).
 */
export function isValidDelta(delta: MetricDelta): boolean {
  if (!isValidMetricName(delta.name) || !Number.isSafeInteger(delta.value) || delta.value <= 0) return false;
  return Object.keys(delta.labels).every(isValidLabelName);
}

/** Labels sorted by name, so `{a,b}` and `{b,a}` are one series. */
export function normaliseLabels(labels: Labels): Labels {
  const out: Labels = {};
  for (const key of Object.keys(labels).sort()) {
    out[key] = String(labels[key]).slice(0, MAX_LABEL_VALUE);
  }
  return out;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** `name{a="1",b="2"}` (or just `name`): the series key and its exposition-format spelling. */
export function seriesKey(name: string, labels: Labels): string {
  const entries = Object.entries(normaliseLabels(labels));
  if (entries.length === 0) return name;
  return `${name}{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}
