// How a series is named and coloured on the page. The viewer decides every series' look (src/PlotPipe.Viewer/Store/
// SeriesPalette.cs): its colour on the light theme (`color`), on the dark theme (`darkColor`) and its run's line
// style or marker (`line`, `marker`); the page only picks the colour of the theme it shows (and how opaque a baseline
// is drawn on it), and names each series with its run when several runs are listed.

let severalRuns = false;

/**
 * How opaque a baseline's lines, markers and swatch are drawn on each theme: muted under the live runs, yet its shape
 * reads. At 35 % a colour mixed with the dark background fell to about 1.4:1 and the baseline all but vanished; at
 * 60 % every dark series colour keeps 2.2:1 or more, well under its live series' 4.5:1. The pictures the viewer draws
 * use the same (src/PlotPipe.Viewer/Export/PicturePalette.cs; a test holds them equal).
 */
export const BASELINE_OPACITY = { light: 0.35, dark: 0.6 };

/** Whether the page shows its dark theme (it follows the system's choice). */
export function isDark() {
  return typeof window !== "undefined" && !!window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
}

/**
 * Takes the meta rows `series` for the theme shown (`dark`): each row's `color` becomes the theme's colour (the
 * light one is kept as `lightColor`), its `opacity` how opaque it is drawn (1, or a baseline's on this theme), and
 * whether several runs carry series is noted for `seriesLabel`.
 */
export function applyTheme(series, dark) {
  const runs = new Set();
  for (const s of series) {
    if (s.lightColor === undefined) s.lightColor = s.color;
    s.color = dark && s.darkColor ? s.darkColor : s.lightColor;
    s.opacity = s.baseline ? BASELINE_OPACITY[dark ? "dark" : "light"] : 1;
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
