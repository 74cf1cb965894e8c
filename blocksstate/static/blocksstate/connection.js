// The page's WebSocket: hello (or resume) on every connect, and reconnection
// with exponential backoff and jitter after an unexpected drop.
//
// The resume token is kept in this object only, never in localStorage,
// sessionStorage or a cookie: a refresh starts a new session, a dropped
// connection resumes the same one.

export const PROTOCOL = 1;
const FIRST_DELAY = 300;
const MAX_DELAY = 10000;
// Characters read between two "received" frames: the server closes a socket whose page has
// not acknowledged MAX_UNACKED_CHARS (16 million by default), far beyond this.
export const RECEIVED_EVERY = 256 * 1024;

// Milliseconds to wait before reconnect attempt `attempt` (0, 1, 2...):
// doubling up to ten seconds, and between half and all of that at random so
// that many pages dropped together do not come back together.
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_DELAY, FIRST_DELAY * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

// Close codes after which trying again cannot help (unknown app, refused origin).
const isFatal = (code) => code >= 4400 && code < 4500;

export class Connection {
  // `url`: the ws:// or wss:// address. Callbacks:
  //   values()        current values of the editable components, for hello;
  //   browser()       stored BrowserState tokens {storage key: token}, for hello;
  //   frame(frame)    every frame the server sends;
  //   state(state)    "connecting" | "open" | "reconnecting" | "closed";
  //   fatal(code)     the server refused the connection for good.
  constructor(url, callbacks) {
    this.url = url;
    this.callbacks = callbacks;
    this.socket = null;
    this.sessionId = null;
    this.resumeToken = null;
    this.state = "connecting";
    this.attempt = 0;
    this.stopped = false;
    this.retryTimer = null;
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.callbacks.state?.(state);
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.stopped) return;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    // Characters of text frames read on this socket, and how many of them the server was told.
    let read = 0;
    let told = 0;
    socket.addEventListener("open", () => {
      if (socket !== this.socket) return;
      const hello = { type: "hello", protocol: PROTOCOL, resume: this.resumeToken, values: this.callbacks.values() };
      // Sent on every connect: a resume the server refuses starts a new session, which needs them.
      const browser = this.callbacks.browser?.();
      if (browser && Object.keys(browser).length) hello.browser = browser;
      this.send(hello);
    });
    socket.addEventListener("message", (event) => {
      if (socket !== this.socket || typeof event.data !== "string") return;
      read += event.data.length;
      if (read - told >= RECEIVED_EVERY && this.send({ type: "received", chars: read })) told = read;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame.type === "session") {
        this.sessionId = frame.session;
        this.resumeToken = frame.resume;
        this.attempt = 0;
        this.setState("open");
      }
      this.callbacks.frame(frame);
      if (frame.type === "closed") this.stop();
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      if (!this.stopped && isFatal(event.code)) {
        this.stop();
        this.callbacks.fatal?.(event.code);
        return;
      }
      if (this.stopped) {
        this.setState("closed");
        return;
      }
      this.setState("reconnecting");
      this.retryTimer = setTimeout(() => this.connect(), backoffDelay(this.attempt));
      this.attempt += 1;
    });
  }

  get isOpen() {
    return this.state === "open" && this.socket?.readyState === WebSocket.OPEN;
  }

  // Send a frame now; false when the socket is not open.
  send(frame) {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  // Try again now rather than at the end of the backoff (e.g. back online).
  retryNow() {
    if (this.state === "reconnecting" && !this.socket) this.connect();
  }

  // Close the socket as if the network had dropped: the page reconnects and resumes.
  drop() {
    this.socket?.close(4000, "dropped");
  }

  // Close for good: no reconnection.
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
    if (!socket || socket.readyState >= WebSocket.CLOSING) {
      this.socket = null;
      this.setState("closed");
    }
  }
}
