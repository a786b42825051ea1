"""A real HTTP server on 127.0.0.1 that records what it receives and answers as scripted."""

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # Status codes to answer, in order; once used up, 200.
    script: list[int] = field(default_factory=list)
    # With `hold_first`, the first request waits for `release` before it is answered (a test can
    # kill the sender meanwhile); `holding` is set once it arrived.
    hold_first: bool = False
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@contextmanager
def receiver(script=(), *, hold_first=False):
    state = Receiver(url="", script=list(script), hold_first=hold_first)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with lock:
                state.requests.append(Received(self.path, dict(self.headers.items()), body))
                code = state.script.pop(0) if state.script else 200
                hold = state.hold_first and len(state.requests) == 1
            if hold:
                state.holding.set()
                state.release.wait(timeout=60)
            try:
                self.send_response(code)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if code < 300 else b"try again")
            except OSError:
                pass  # the sender is gone (killed while waiting)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/portal"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
