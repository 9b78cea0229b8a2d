// The WebSocket to the viewer: text meta in, binary views in, text requests out; reconnects every second.

const RETRY_MS = 1000;

/** Opens the socket and keeps it open; handlers: onOpen(), onMeta(msg), onAnswer(msg), onLimit(msg), onView(arrayBuffer), onClose(). */
export function connectSocket(handlers) {
  let socket = null;
  function connect() {
    // A page in a frame of another site (a notebook's cell) has no cookie there: it keeps its token in its address.
    const token = new URLSearchParams(location.search).get("token");
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ""}`;
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    socket = ws;
    ws.onopen = () => handlers.onOpen();
    ws.onmessage = (e) => {
      if (typeof e.data === "string") {
        let msg;
        try { msg = JSON.parse(e.data); } catch { return; }
        if (msg.type === "meta") handlers.onMeta(msg);
        else if (msg.type === "answer" && handlers.onAnswer) handlers.onAnswer(msg);
        else if (msg.type === "limit" && handlers.onLimit) handlers.onLimit(msg);
        else if (msg.type === "histogram" && handlers.onHistogram) handlers.onHistogram(msg);
      } else {
        handlers.onView(e.data);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      handlers.onClose();
      setTimeout(connect, RETRY_MS);
    };
  }
  connect();
  return {
    /** Whether a message can go now. */
    get open() { return !!socket && socket.readyState === WebSocket.OPEN; },
    /** Sends text if the socket is open; returns whether it went. */
    send(text) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(text);
      return true;
    },
  };
}
