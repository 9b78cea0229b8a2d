// The page's side of flow control with the viewer (docs/page-protocol.md), in one place: requests go out numbered
// (`seq`) and at most one per throttle interval, always the latest (a gesture's end sends a held one at once); a view
// that arrives before the viewer's answer to the latest request is acknowledged unseen; each view taken is reported
// `drawn` once drawn, so the viewer sends the next data-driven view only then and a zoom's answer never queues behind
// views the page cannot draw yet.
// No DOM: node tests it.

/** Shortest time between two requests; a request after a quiet spell goes out at once. */
export const THROTTLE_MS = 30;

const DRAWN = '{"type":"drawn"}';

/**
 * Flow control over `transport` ({ open, send(text) }). `build()` returns the request to send now (an object,
 * without `seq`) or null when there is nothing to ask yet. Options: `now()` (a clock in ms), `throttleMs`,
 * `onSent(request)` (told of each request sent, with its seq).
 */
export function createFlow(transport, build, { now = () => performance.now(), throttleMs = THROTTLE_MS, onSent = () => {} } = {}) {
  let requestSeq = 0; // the number of the last request sent
  let answeredSeq = 0; // the request the viewer's views now answer (its `answer` mark)
  let drawnOwed = false; // a view was taken and is not reported drawn yet
  let staleViews = 0;
  let lastSentAt = -Infinity;
  let timer = 0;
  let queued = false;

  // Sends the request the page wants now; returns it (with its seq) or null when none went.
  function requestNow() {
    clearTimeout(timer);
    timer = 0;
    queued = false;
    if (!transport.open) return null;
    const request = build();
    if (!request) return null;
    request.seq = ++requestSeq;
    lastSentAt = now();
    transport.send(JSON.stringify(request));
    onSent(request);
    return request;
  }

  return {
    /**
     * Asks for a view of what the page shows once the current task is done (every change an input makes goes in
     * one request), or at the end of the throttle interval when a request went out less than that ago.
     */
    requestSoon() {
      if (queued || timer) return;
      const wait = lastSentAt + throttleMs - now();
      if (wait > 0) {
        timer = setTimeout(requestNow, wait);
      } else {
        queued = true;
        queueMicrotask(() => { if (queued) requestNow(); });
      }
    },

    /** Sends the request now, whatever the throttle says (the socket just opened); returns it or null. */
    requestNow,

    /**
     * A gesture ended (the button came up): a request the throttle holds goes out now, not at the end of the
     * interval, since no newer one will follow it. Returns it, or null when none was held.
     */
    settle() {
      return timer ? requestNow() : null;
    },

    /** The viewer's mark: views from now on answer request `seq`. */
    answered(seq) {
      if (Number.isFinite(seq)) answeredSeq = seq;
    },

    /**
     * A view arrived: true when the page should draw it (then `drew()` reports it); false when it answers an older
     * request than the last one sent (its ranges would undo the user's last gesture), and it is acknowledged unseen.
     */
    take() {
      if (answeredSeq < requestSeq) {
        staleViews++;
        transport.send(DRAWN);
        return false;
      }
      drawnOwed = true;
      return true;
    },

    /** Every view taken is on screen: report it once, so the viewer sends the next. */
    drew() {
      if (!drawnOwed) return;
      drawnOwed = false;
      transport.send(DRAWN);
    },

    /** A new connection: nothing is in flight on it. */
    reset() {
      drawnOwed = false;
    },

    /** Whether the viewer's answer to the last request sent is still to come. */
    get answerPending() { return answeredSeq < requestSeq; },
    /** The number of the last request sent. */
    get seq() { return requestSeq; },
    /** Views left undrawn because they answered an older request. */
    get staleViews() { return staleViews; },
  };
}
