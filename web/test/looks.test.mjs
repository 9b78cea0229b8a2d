// Series names and colours on the page: the run in a series' label once several runs are listed, the theme's colour.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyTheme, BASELINE_OPACITY, seriesLabel } from "../src/looks.js";

const row = (index, run, name, color, darkColor) => ({ index, run, producer: run, name, color, darkColor });

test("A series is named alone while one run is listed, and with its run once there are two", () => {
  const one = applyTheme([row(0, "train.py", "train loss", "#ff0000", "#ff0000")], false);
  assert.equal(seriesLabel(one[0]), "train loss");
  const two = applyTheme([row(0, "train.py", "train loss", "#ff0000", "#ff0000"), row(1, "train.py (2)", "train loss", "#ff0000", "#ff0000")], false);
  assert.deepEqual(two.map(seriesLabel), ["train.py · train loss", "train.py (2) · train loss"]);
});

test("The theme picks each series' colour, and back again", () => {
  const rows = [row(0, "a", "k", "#000000", "#9198a1")];
  applyTheme(rows, true);
  assert.equal(rows[0].color, "#9198a1");
  applyTheme(rows, false);
  assert.equal(rows[0].color, "#000000");
});

test("A baseline is drawn at its theme's opacity, more opaque on the dark theme; a live series in full", () => {
  const rows = [{ ...row(0, "monday.arrow", "loss", "#1f77b4", "#2489cf"), baseline: true }, row(1, "today", "loss", "#1f77b4", "#2489cf")];
  applyTheme(rows, false);
  assert.deepEqual(rows.map((s) => s.opacity), [BASELINE_OPACITY.light, 1]);
  applyTheme(rows, true);
  assert.deepEqual(rows.map((s) => s.opacity), [BASELINE_OPACITY.dark, 1]);
  assert.ok(BASELINE_OPACITY.light < BASELINE_OPACITY.dark && BASELINE_OPACITY.dark < 1);
});
