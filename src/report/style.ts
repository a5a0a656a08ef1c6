/** The report's stylesheet, inlined in the page: system fonts, light cards, charts in a responsive grid. */
export const REPORT_CSS = `
:root { --ink: #1a1a1a; --muted: #666; --rule: #e3e3e3; --panel: #fafafa; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1220px; margin: 0 auto; padding: 24px 28px 48px; }
header h1 { margin: 0; font-size: 26px; font-weight: 650; }
header p { margin: 2px 0 18px; }
h2 { font-size: 18px; font-weight: 620; margin: 34px 0 12px; padding-bottom: 6px; border-bottom: 1px solid
  var(--rule); }
.muted { color: var(--muted); }
.lead { max-width: 880px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { background: var(--panel); border: 1px solid var(--rule); border-radius: 8px; padding: 10px 14px;
  min-width: 128px; }
.card-value { font-size: 20px; font-weight: 620; font-variant-numeric: tabular-nums; }
.card-label { font-size: 12.5px; color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 18px; }
.chart { background: #fff; border: 1px solid var(--rule); border-radius: 8px; padding: 6px;
  overflow-x: auto; }
.chart-svg { display: block; max-width: 100%; height: auto; font-size: 12px; }
.chart-title { font-size: 14px; font-weight: 620; fill: var(--ink); }
.tick { fill: #555; font-size: 11.5px; font-variant-numeric: tabular-nums; }
.axis-label { fill: #333; font-size: 12.5px; }
.legend-item text { fill: #333; font-size: 12px; }
.grid { stroke: #ececec; }
.axis { stroke: #888; }
.cm-text { font-size: 11.5px; font-variant-numeric: tabular-nums; }
.side-by-side { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table { border-collapse: collapse; }
table.numbers td, table.numbers th { padding: 4px 12px; border-bottom: 1px solid var(--rule); }
table.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
table.numbers thead th { text-align: right; font-weight: 600; color: #333; border-bottom: 2px solid #ccc; }
table.numbers thead th:first-child, table.numbers tbody th { text-align: left; font-weight: 500; }
table.numbers tr.avg th, table.numbers tr.avg td { background: var(--panel); }
table.numbers caption { text-align: left; color: var(--muted); padding-bottom: 6px; }
table.summary td.layer { text-align: left; font-family: ui-monospace, Menlo, Consolas, monospace;
  font-size: 13px; }
table.config th { text-align: left; font-weight: 500; color: var(--muted); padding: 3px 18px 3px 0;
  vertical-align: top; }
table.config td { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; padding: 3px 0; }
.mistakes { display: flex; flex-wrap: wrap; gap: 12px; }
.mistake { margin: 0; width: 88px; text-align: center; font-size: 12.5px; }
.mistake svg { display: block; margin: 0 auto 4px; border-radius: 4px; }
.wrong { color: #D55E00; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-end; }
figure { margin: 0; }
figure img { display: block; image-rendering: pixelated; max-width: 100%; border: 1px solid var(--rule);
  border-radius: 4px; }
.sample-grid img { width: 208px; }
figcaption { font-size: 12.5px; color: var(--muted); margin-top: 4px; }
.text-sample { white-space: pre-wrap; background: var(--panel); border: 1px solid var(--rule);
  border-radius: 8px;
  padding: 12px 14px; font: 13px/1.5 ui-monospace, Menlo, Consolas, monospace; max-width: 880px; }
`;
