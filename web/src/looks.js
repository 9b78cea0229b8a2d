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
