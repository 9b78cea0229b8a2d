// The page's flow control (docs/page-protocol.md): numbered, throttled requests; stale views acknowledged unseen;
// one "drawn" per view taken.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createFlow } from "../src/flow.js";

// A socket that keeps what was sent, and a clock the test moves.
function setup({ open = true, throttleMs = 30 } = {}) {
  const sent = [];
  const clock = { ms: 1000 };
  let wanted = { type: "view", width: 100 };
  const transport = { open, send: (text) => { sent.push(text); return true; } };
  const told = [];
  const flow = createFlow(transport, () => (wanted ? { ...wanted } : null), { now: () => clock.ms, throttleMs, onSent: (r) => told.push(r.seq) });
  return { flow, sent, clock, transport, told, want: (w) => { wanted = w; } };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const requests = (sent) => sent.filter((t) => JSON.parse(t).type === "view").map((t) => JSON.parse(t));
const drawns = (sent) => sent.filter((t) => t === '{"type":"drawn"}').length;

test("Changes made in one task go out as one numbered request once the task is done", async () => {
  const { flow, sent, told, want } = setup();
  flow.requestSoon();
  want({ type: "view", width: 200 });
  flow.requestSoon();
  assert.equal(sent.length, 0, "nothing leaves inside the task that made the change");
  await Promise.resolve();
  assert.deepEqual(requests(sent), [{ type: "view", width: 200, seq: 1 }]);
  assert.deepEqual(told, [1]);
  assert.equal(flow.seq, 1);
});

test("A request within the throttle interval waits out the interval and then carries the latest state", async () => {
  const { flow, sent, clock, want } = setup({ throttleMs: 5 });
  flow.requestNow();
  clock.ms += 1;
  flow.requestSoon();
  want({ type: "view", width: 300 });
  await Promise.resolve();
  assert.equal(requests(sent).length, 1, "the second request waits for the interval");
  clock.ms += 10;
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(requests(sent).map((r) => [r.seq, r.width]), [[1, 100], [2, 300]]);
});

test("A view that arrives before the answer to the latest request is acknowledged unseen", () => {
  const { flow, sent } = setup();
  flow.requestNow();
  flow.answered(1);
  flow.requestNow(); // the user zooms: request 2 is on its way
  assert.equal(flow.answerPending, true);
  assert.equal(flow.take(), false, "a view built for request 1 would undo the zoom");
  assert.equal(drawns(sent), 1, "acknowledged at once, so the viewer's flow control moves on");
  assert.equal(flow.staleViews, 1);
  flow.answered(2);
  assert.equal(flow.answerPending, false);
  assert.equal(flow.take(), true);
});

test("Each view taken is reported drawn once, however many draws follow", () => {
  const { flow, sent } = setup();
  flow.requestNow();
  flow.answered(1);
  flow.drew();
  assert.equal(drawns(sent), 0, "nothing was taken, nothing to report");
  assert.equal(flow.take(), true);
  flow.drew();
  flow.drew();
  assert.equal(drawns(sent), 1);
});

test("A new connection owes no drawn for a view of the old one", () => {
  const { flow, sent } = setup();
  flow.requestNow();
  flow.answered(1);
  flow.take();
  flow.reset();
  flow.drew();
  assert.equal(drawns(sent), 0);
});

test("Nothing is sent while the socket is closed, and nothing is numbered", async () => {
  const { flow, sent, transport } = setup({ open: false });
  flow.requestSoon();
  await tick();
  assert.equal(sent.length, 0);
  assert.equal(flow.seq, 0);
  transport.open = true;
  assert.equal(flow.requestNow().seq, 1);
});

test("No request goes out while the page has nothing to ask for", async () => {
  const { flow, sent, want } = setup();
  want(null);
  flow.requestSoon();
  await tick();
  assert.equal(sent.length, 0);
  assert.equal(flow.seq, 0);
});

test("A gesture's end sends the request the throttle holds at once, with the latest state", async () => {
  const { flow, sent, clock, want } = setup({ throttleMs: 10_000 });
  flow.requestNow();
  clock.ms += 1;
  want({ type: "view", width: 400 });
  flow.requestSoon();
  await tick();
  assert.equal(requests(sent).length, 1, "the throttle holds the second request");
  const settled = flow.settle();
  assert.deepEqual(requests(sent), [{ type: "view", width: 100, seq: 1 }, { type: "view", width: 400, seq: 2 }]);
  assert.equal(settled.seq, 2);
  assert.equal(flow.settle(), null, "nothing is held any more, so nothing more goes");
  assert.equal(requests(sent).length, 2);
});
