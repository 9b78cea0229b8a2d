// The histogram's bins as its panel draws them: where each bar stands on the value axis and what its hover says.
// Pure, so node tests it; the counts come from the viewer ("histogram" message, docs/page-protocol.md).

/**
 * The bars of a histogram answer `msg` ({ low, high, total, counts }): `xs` the bins' centres, `ys` their counts,
 * `x` the value range shown and `y` the count range (from 0, a little above the tallest bar). When every point has
 * one value (low = high) the one bar stands at that value, in a range widened by ±5 % of it (±0.5 around 0), as the
 * viewer widens a range of one value.
 */
export function barsOf(msg) {
  const counts = msg.counts, bins = counts.length;
  let most = 0;
  for (const c of counts) most = Math.max(most, c);
  const y = [0, most > 0 ? most * 1.05 : 1];
  if (!(msg.high > msg.low)) {
    const half = msg.low === 0 ? 0.5 : Math.abs(msg.low) * 0.05;
    return { xs: [msg.low], ys: [bins ? counts[0] : 0], x: [msg.low - half, msg.low + half], y, single: true };
  }
  const w = (msg.high - msg.low) / bins;
  const xs = new Array(bins), ys = new Array(bins);
  for (let k = 0; k < bins; k++) {
    xs[k] = msg.low + (k + 0.5) * w;
    ys[k] = counts[k];
  }
  return { xs, ys, x: [msg.low, msg.high], y, single: false };
}

/**
 * Bar `k` of answer `msg`: its value range [from, to] and its count. The last bin holds its upper edge (the highest
 * value); the others stop short of it.
 */
export function binOf(msg, k) {
  const bins = msg.counts.length;
  if (!(msg.high > msg.low)) return { from: msg.low, to: msg.low, count: bins ? msg.counts[0] : 0, last: true };
  const w = (msg.high - msg.low) / bins;
  return { from: msg.low + k * w, to: k === bins - 1 ? msg.high : msg.low + (k + 1) * w, count: msg.counts[k], last: k === bins - 1 };
}
