import { describe, expect, it } from "vitest";
import { describeChart, formatNumber, lineChartSvg, niceCeiling } from "../../worker/console/health-chart";

const T0 = Date.UTC(2026, 10, 30, 14, 0);
const times = (n: number) => Array.from({ length: n }, (_, i) => T0 + i * 60_000);

describe("niceCeiling", () => {
  it.each([
    [0, 1],
    [-3, 1],
    [Number.NaN, 1],
    [1, 1],
    [1.2, 2],
    [3, 5],
    [7, 10],
    [10, 10],
    [11, 20],
    [420, 500],
    [0.03, 0.05],
  ])("rounds %s up to %s", (max, nice) => {
    expect(niceCeiling(max)).toBeCloseTo(nice, 10);
  });
});

describe("formatNumber", () => {
  it.each([
    [0, "0"],
    [12.345, "12.3"],
    [999, "999"],
    [1_250, "1.3k"],
    [2_000_000, "2M"],
  ])("%s → %s", (n, text) => expect(formatNumber(n)).toBe(text));
});

describe("lineChartSvg", () => {
  it("draws one polyline per series scaled to a round top, labelled for screen readers", () => {
    const svg = lineChartSvg({
      id: "req",
      title: "Requests",
      times: times(3),
      series: [{ name: "requests", color: "#0b57d0", values: [0, 50, 100] }],
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toContain(`aria-labelledby="req-title" aria-describedby="req-desc"`);
    expect(svg).toContain('<title id="req-title">Requests</title>');
    // Top = 100 sits at the plot's top (y 12), 0 at its bottom (y 160); x spans 48..468.
    expect(svg).toContain('<polyline points="48,160 258,86 468,12"');
    expect(svg).toContain(">100</text>");
    expect(svg).toContain(">14:00</text>");
    expect(svg).toContain(">14:02</text>");
    // No style attributes or scripts: the console's CSP would refuse them.
    expect(svg).not.toMatch(/style=|<script|on\w+=/i);
  });

  it("breaks a line where values are missing and draws a lone value as a dot", () => {
    const svg = lineChartSvg({
      id: "lat",
      title: "Latency",
      unit: "ms",
      times: times(6),
      series: [{ name: "p95", color: "#b06000", values: [10, 20, null, 30, null, null] }],
    });
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    expect(svg.match(/<circle /g)).toHaveLength(1);
    expect(svg).toContain(">50 ms</text>");
  });

  it("escapes every text it is given", () => {
    const hostile = `<script>alert(1)</script>"'&`;
    const svg = lineChartSvg({
      id: `x" onload="alert(1)`,
      title: hostile,
      times: times(2),
      series: [{ name: hostile, color: `red" onclick="alert(1)`, values: [1, 2] }],
    });
    expect(svg).not.toContain("<script>");
    expect(svg).not.toMatch(/"\s+on\w+="/);
    expect(svg).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;");
  });

  it("draws an empty chart when there is no data", () => {
    const svg = lineChartSvg({
      id: "empty",
      title: "Push",
      times: times(4),
      series: [{ name: "sent", color: "#146c2e", values: [null, null, null, null] }],
    });
    expect(svg).not.toContain("<polyline");
    expect(svg).not.toContain("<circle");
    expect(svg).toContain("sent: no data");
  });
});

describe("describeChart", () => {
  it("says each series' latest value and peak, and the span in UTC", () => {
    expect(
      describeChart({
        id: "l",
        title: "Latency",
        unit: "ms",
        times: times(3),
        series: [
          { name: "p50", color: "#000", values: [12, 40, 20] },
          { name: "p95", color: "#000", values: [100, 1_500, null] },
        ],
      }),
    ).toBe(
      "Latency from 14:00 to 14:02 UTC. p50: latest 20 ms, peak 40 ms; p95: latest 1.5k ms, peak 1.5k ms.",
    );
  });
});
