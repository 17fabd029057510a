/**
 * What JupyterLab's service manager needs to talk to Debian's Notebook 6 server, which serves the
 * kernel, session and contents API JupyterLab uses but not JupyterLab's newer endpoints: kernel
 * WebSockets without the `v1.kernel.websocket.jupyter.org` subprotocol (Notebook 6 speaks only the
 * JSON one, and Chromium logs an error for every offer it ignores), no event stream
 * (`/api/events/subscribe` is jupyter_server 2's) and no user (`/api/me`, jupyter_server's).
 */
import { ServerConnection, ServiceManager, type Event, type User } from "@jupyterlab/services";
import { Signal, Stream } from "@lumino/signaling";

/** A WebSocket that offers no subprotocol, so the kernel connection uses the JSON messages. */
class JsonWebSocket extends WebSocket {
  constructor(url: string | URL) {
    super(url);
  }
}

/** An event manager with a stream that never emits, for a server without the events API. */
class NoEvents implements Event.IManager {
  readonly stream: Event.Stream = new Stream(this);
  isDisposed = false;
  constructor(readonly serverSettings: ServerConnection.ISettings) {}
  emit(): Promise<void> {
    return Promise.reject(new Error("this server (Notebook 6) has no events API"));
  }
  dispose(): void {
    this.isDisposed = true;
  }
}

/** One local learner, for a server without the identity API. */
class OneUser implements User.IManager {
  readonly userChanged = new Signal<this, User.IUser>(this);
  readonly connectionFailure = new Signal<this, ServerConnection.NetworkError>(this);
  readonly disposed = new Signal<this, void>(this);
  readonly identity = {
    username: "learner",
    name: "Learner",
    display_name: "Learner",
    initials: "L",
    color: "#1976d2",
  };
  readonly permissions = {};
  readonly isReady = true;
  readonly isActive = true;
  readonly ready = Promise.resolve();
  isDisposed = false;
  constructor(readonly serverSettings: ServerConnection.ISettings) {}
  refreshUser(): Promise<void> {
    return Promise.resolve();
  }
  dispose(): void {
    this.isDisposed = true;
    this.disposed.emit();
  }
}

/**
 * The service manager for a page served by Notebook 6: the token (from the page config) on the
 * WebSocket URLs too, since the server sets no login cookie for a static page.
 *
 * @example
 * const services = notebookServerServices();
 * await services.ready;
 */
export function notebookServerServices(): ServiceManager {
  const serverSettings = ServerConnection.makeSettings({ appendToken: true, WebSocket: JsonWebSocket });
  return new ServiceManager({
    serverSettings,
    events: new NoEvents(serverSettings),
    user: new OneUser(serverSettings),
  });
}
