// How a series is named and coloured on the page. The viewer decides every series' look (src/PlotPipe.Viewer/Store/
// SeriesPalette.cs): its colour on the light theme (`color`), on the dark theme (`darkColor`) and its run's line
// style or marker (`line`, `marker`); the page only picks the colour of the theme it shows, and names each series
// with its run when several runs are listed.

let severalRuns = false;

/** Whether the page shows its dark theme (it follows the system's choice). */
export function isDark() {
  return typeof window !== "undefined" && !!window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
}

/**
 * Takes the meta rows `series` for the theme shown (`dark`): each row's `color` becomes the theme's colour (the
 * light one is kept as `lightColor`), and whether several runs carry series is noted for `seriesLabel`.
 */
export function applyTheme(series, dark) {
  const runs = new Set();
  for (const s of series) {
    if (s.lightColor === undefined) s.lightColor = s.color;
    s.color = dark && s.darkColor ? s.darkColor : s.lightColor;
    runs.add(runOf(s));
  }
  severalRuns = runs.size >= 2;
  return series;
}

/** The run a series belongs to: its producer's unique name ("train.py", "train.py (2)"). */
export function runOf(s) {
  return s.run ?? s.producer ?? "";
}

/**
 * The name a series is shown by wherever the page names it alone (a readout row, a tooltip): "train.py (2) · train
 * loss" when several runs are listed, else just "train loss".
 */
export function seriesLabel(s) {
  const run = runOf(s);
  return severalRuns && run ? `${run} · ${s.name}` : s.name;
}

/** WCAG 2 contrast ratio of two "#rrggbb" or "rgb(r, g, b)" colours (1 to 21). */
export function contrastRatio(a, b) {
  const la = luminance(a), lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(color) {
  const [r, g, b] = channels(color).map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function channels(color) {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (hex) return [1, 2, 3].map((i) => parseInt(hex[i], 16));
  const rgb = /^rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/i.exec(color);
  if (rgb) return [1, 2, 3].map((i) => +rgb[i]);
  throw new Error(`not a colour: ${color}`);
}
