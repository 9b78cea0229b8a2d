// Tick labels: compact numbers, times from milliseconds to years, and spacing from measured widths.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  allWhole, formatNumber, formatTime, horizontalSpace, linearSplits, logSplits, numberLabels, pickIncr, timeLabels, wholeSpace,
  NUMBER_INCRS, TIME_INCRS,
} from "../src/format.js";

process.env.TZ = "UTC";

test("Large ticks read as 905k and 1.2M, small ones as 3.5e-7", () => {
  assert.deepEqual(numberLabels([900000, 905000, 910000], 5000), ["900k", "905k", "910k"]);
  assert.deepEqual(numberLabels([1.1e6, 1.2e6, 1.3e6], 1e5), ["1.1M", "1.2M", "1.3M"]);
  assert.deepEqual(numberLabels([3.4e-7, 3.5e-7], 1e-8), ["3.4e-7", "3.5e-7"]);
  assert.deepEqual(numberLabels([0, 0.25, 0.5], 0.25), ["0", "0.25", "0.50"]);
  assert.deepEqual(numberLabels([-2000, 0, 2000], 2000), ["-2000", "0", "2000"]);
  assert.equal(formatNumber(2.5e9, 5e8, 2.5e9), "2.5G");
});

test("Neighbouring ticks never get the same label", () => {
  for (const [min, max] of [[900000, 910000], [0, 1e-6], [1e7, 1.0000001e7], [-5, 5], [1.7e9, 1.7e9 + 3]]) {
    const incr = pickIncr(min, max, NUMBER_INCRS, 1400, 60);
    const labels = numberLabels(linearSplits(min, max, incr), incr);
    assert.equal(new Set(labels).size, labels.length, `${min}..${max}: ${labels}`);
  }
});

test("Time labels adapt from milliseconds to years", () => {
  const t = Date.UTC(2026, 10, 26, 14, 30, 15, 250) / 1000;
  assert.equal(formatTime(t, 0.05, false), "14:30:15.25");
  assert.equal(formatTime(t, 5, false), "14:30:15");
  assert.equal(formatTime(t, 600, false), "14:30");
  assert.equal(formatTime(t, 600, true), "14:30\nNov 26 2026");
  assert.equal(formatTime(t, 86400, false), "Nov 26");
  assert.equal(formatTime(t, 90 * 86400, false), "Nov 2026");
  assert.equal(formatTime(t, 365 * 86400, false), "2026");
});

test("Time labels carry the date on the first tick and where the day changes", () => {
  const day = Date.UTC(2026, 0, 1) / 1000;
  const labels = timeLabels([day - 7200, day - 3600, day, day + 3600], 3600);
  assert.deepEqual(labels, ["22:00\nDec 31 2025", "23:00", "00:00\nJan 1 2026", "01:00"]);
});

test("Spacing from measured widths leaves a gap between every pair of labels", () => {
  const measure = (s) => 7 * s.length; // a monospace stand-in for the canvas
  const cases = [
    [0, 1e7, 1400, NUMBER_INCRS, numberLabels],
    [900000, 910000, 1400, NUMBER_INCRS, numberLabels],
    [0, 1e-6, 300, NUMBER_INCRS, numberLabels],
    [1.7e9, 1.7e9 + 0.5, 1400, TIME_INCRS, timeLabels],
    [1.7e9, 1.7e9 + 86400 * 400, 900, TIME_INCRS, timeLabels],
  ];
  for (const [min, max, dim, incrs, labelsFor] of cases) {
    const space = horizontalSpace(min, max, dim, incrs, labelsFor, measure, 14);
    const incr = pickIncr(min, max, incrs, dim, space);
    const splits = linearSplits(min, max, incr);
    const labels = labelsFor(splits, incr);
    const px = (v) => ((v - min) / (max - min)) * dim;
    for (let i = 1; i < splits.length; i++) {
      const w = (l) => Math.max(...l.split("\n").map(measure));
      const rightOfPrev = px(splits[i - 1]) + w(labels[i - 1]) / 2;
      const leftOfThis = px(splits[i]) - w(labels[i]) / 2;
      assert.ok(leftOfThis - rightOfPrev >= 10, `${min}..${max} at ${dim}px: "${labels[i - 1]}" and "${labels[i]}" are ${leftOfThis - rightOfPrev}px apart`);
    }
  }
});

test("Log ticks: 1-2-5 over wide decades, every k-th decade over narrow ones", () => {
  assert.deepEqual(logSplits(0.01, 10, 600, 40), [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]);
  const wide = logSplits(1e-10, 1e10, 300, 40);
  assert.ok(wide.length <= 8, `${wide.length} ticks over 300 px`);
  assert.ok(wide.every((v) => Number.isInteger(Math.log10(v))), "powers of ten only");
  // Inside one decade there is no power of ten: plain steps.
  const narrow = logSplits(2, 3, 400, 40);
  assert.ok(narrow.length >= 3 && narrow[0] >= 2 && narrow[narrow.length - 1] <= 3);
});

test("An x axis whose points are whole numbers is ticked on whole numbers while two or more are in view", () => {
  assert.equal(allWhole(new Float64Array([3, 4, 5, NaN, 8]), 5), true);
  assert.equal(allWhole(new Float64Array([3, 4.5]), 2), false);
  assert.equal(allWhole(new Float64Array([NaN]), 1), false);
  // Six lines of vmstat over 600 px: the labels alone would allow a step of 0.5; a unit's width is the least.
  const space = wholeSpace(3, 8, 600, 40);
  assert.equal(space, 120);
  assert.equal(pickIncr(3, 8, NUMBER_INCRS, 600, space), 1);
  // Wider spans keep the labels' spacing; a range holding one whole number at most keeps it too.
  assert.equal(wholeSpace(0, 1000, 600, 40), 40);
  assert.equal(wholeSpace(3.2, 3.9, 600, 40), 40);
  assert.equal(wholeSpace(3.2, 4.9, 600, 40), 40);
  assert.equal(wholeSpace(3, 4, 600, 40), 600);
});
