"""Serve one Poorman FaaS function over HTTP.

    python bootstrap.py <script.py>
    python bootstrap.py --pool [script.py ...]     (a warm pool process: see "pool mode" below)

Run with the interpreter of the script's own environment, e.g.
    uv sync --script fn.py && "$(uv python find --script fn.py)" bootstrap.py fn.py
Standard library only: it ships next to every function and must not need installing.

Handler styles, detected from the names the script binds at top level (read with
`ast`, before anything runs):
  1. `app`, an ASGI application (FastAPI, Starlette): served by uvicorn, which must be
     among the script's dependencies;
  2. `app`, a WSGI application (Flask): served by a threaded standard-library server;
  3. `handle(req)` (or `async def handle`): OpenFaaS classic. The body arrives as `str`; return `str`,
     `bytes`, a dict or list (sent as JSON), a generator or iterator of `str`/`bytes` (streamed
     chunk by chunk), or `(body, status[, headers])`;
     `handle(event, context)`: OpenFaaS python3-http. `event.body` (bytes),
     `event.headers`, `event.method`, `event.query` (dict, first value of each key),
     `event.path`; return `{"statusCode": 200, "body": ..., "headers": {...}}`;
  4. anything else runs as `__main__` and must serve HTTP itself on `$PORT`. With PORT=0 it
     is given one free port in `$PORT`, as a pod gives it 8080, and listening on any other
     port is an error at once: such a script would never become ready in a pod.
For styles 1-3 the script is imported under its own name, so its
`if __name__ == "__main__":` block does not run. The script's folder is never put on the
import path: locally it holds every other function, and a `json.py` or `http.py` there
would shadow the standard module for all of them. A function imports its own script and
its dependencies, nothing else from the folder.

Environment:
  PORT            port to listen on (default 8080; 0 = any free port, reported below)
  HOST            address to listen on (default 0.0.0.0)
  FAAS_READY_FD   optional: a socket fd inherited from the parent. Once the server
                  listens, `ready <port>\\n` is written to it. Its end of file means the
                  parent is gone, and the function then stops (no orphans): from the first
                  instant, so a script hanging in its import is killed with its whole group.

Behind the gateway, `X-Forwarded-Prefix` (`/function/<name>`) becomes ASGI's `root_path` and
WSGI's `SCRIPT_NAME`, and the client's `Host` is kept, so URLs the app builds lead back through
the gateway.

`GET /_/health` answers 200 once the handler is loaded (styles 1-3), for readiness
probes. The `/_/` prefix is reserved; a function's own routes should not start with it.
SIGTERM stops accepting connections and lets requests in flight finish.

Pool mode (`--pool`): imports, before it is ready, the modules in FAAS_POOL_IMPORTS (spaces or
commas) and the third-party modules the given scripts import at module level, then waits for one
specialization: a script and its environment, applied before the script is imported. Then it
serves that script exactly as above and never returns to the pool.
  - With FAAS_READY_FD (local): `pool-ready\n` is written once the imports are done; the parent
    answers one JSON line, `{"path": ..., "env": {...}}`. After `ready <port>`, the process writes
    `imported <modules>`: what the script and its server loaded beyond the pool's imports, which
    the parent gives to later pool processes.
  - Without (a pod): it listens on $HOST:$PORT; `GET /_/health` answers 200, and
    `POST /_/specialize` takes `{"filename": ..., "source": ..., "env": {...}}` signed with the
    secret in FAAS_POOL_SECRET_FILE (`X-Faas-Timestamp`, `X-Faas-Signature: sha256=<hex HMAC of
    "<timestamp>\n<POD_NAME>\n" + body>`); anything else is refused (403) and the pod stays in the
    pool. The script is written to FAAS_SCRIPT_DIR (default /tmp/faas-function). The request is
    answered 200 once the function listens on the same port, or 502 with the traceback when the
    script fails to start (the process then exits). A second specialization gets 409.
"""

import os
import signal
import sys
import threading

HEALTH_PATH = "/_/health"
SPECIALIZE_PATH = "/_/specialize"
# A specialization carries a script (a ConfigMap holds 1 MiB at most) and its settings.
POOL_MESSAGE_LIMIT = 4 * 1024 * 1024
ALREADY_SPECIALIZED = b"this process already serves its function; a process is specialized once\n"
JSON_TYPE = "application/json"


failure_message = ""
# The name the function's script is loaded under, once it is.
script_module = None


def fail(message):
    global failure_message
    failure_message = message
    sys.stderr.write(f"bootstrap: {message}\n")
    sys.exit(2)


class ReadySignal:
    """The one-line readiness handshake with a local parent process."""

    def __init__(self, fd):
        self.fd = fd
        self.sent = False
        # Pool mode: lines the parent sends (one specialization) and, once serving, who else waits
        # for the port (the gateway's specialization request in a pod).
        self.lines = []
        self.line_arrived = threading.Event()
        self.on_send = None
        # A specialized pool process: the modules loaded before its script, to tell what the script added.
        self.modules_before = None
        # A specialized pool process: when the specialization arrived and when its script was loaded
        # (perf_counter), so its log says where the wake's time went.
        self.specialized_at = None
        self.loaded_at = None
        # Set by the server before `send`: stops it (the pool's warm-up stops its stand-in server so).
        self.stop = None
        # SIGTERM drains this server.
        self.owns_signals = True

    @classmethod
    def from_env(cls):
        raw = os.environ.get("FAAS_READY_FD", "")
        if not raw:
            return cls(None)
        if not raw.isdigit():
            fail(f"FAAS_READY_FD={raw!r} is not a file descriptor number; unset it or pass the fd of the parent's socket")
        fd = int(raw)
        os.set_inheritable(fd, False)
        ready = cls(fd)
        # Watched from the first instant, not from ready: a script may hang in its import.
        threading.Thread(target=ready._stop_when_parent_goes, name="faas-parent-watch", daemon=True).start()
        return ready

    def send(self, port):
        if self.sent:
            return
        self.sent = True
        listening_at = None
        if self.specialized_at is not None and self.loaded_at is not None:
            import time

            listening_at = time.perf_counter()
        print(f"listening on {os.environ.get('HOST', '0.0.0.0')}:{port}", file=sys.stderr, flush=True)
        if self.on_send is not None:
            self.on_send(port)
        if self.fd is not None:
            os.write(self.fd, f"ready {port}\n".encode())
            if self.modules_before is not None:
                # What the script and its server imported that the pool had not: the pool loads these
                # ahead from now on (a library's lazy imports, which no scan of the script can see).
                self.send_line("imported " + " ".join(new_modules(self.modules_before)))
        if listening_at is not None:
            arrived = self.specialized_at
            print(f"bootstrap: pool: specialized: script loaded in {(self.loaded_at - arrived) * 1000:.1f} ms, "
                  f"listening {(listening_at - arrived) * 1000:.1f} ms after the specialization arrived",
                  file=sys.stderr, flush=True)

    def send_line(self, line):
        os.write(self.fd, f"{line}\n".encode())

    def next_line(self):
        """The parent's next line; blocks. None once the parent is gone (the watcher then stops us)."""
        while not self.lines:
            self.line_arrived.wait()
            self.line_arrived.clear()
        return self.lines.pop(0)

    def _stop_when_parent_goes(self):
        pending = b""
        try:
            while True:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    break
                pending += chunk
                if len(pending) > POOL_MESSAGE_LIMIT:
                    break
                *complete, pending = pending.split(b"\n")
                if complete:
                    self.lines.extend(line.decode("utf-8", errors="replace") for line in complete)
                    self.line_arrived.set()
        except OSError:
            pass
        # The parent is gone. Once serving, stop the way it would have stopped us (SIGTERM: requests
        # in flight finish). Before that there is nothing to drain, and the script may ignore
        # SIGTERM: SIGKILL, to the whole group so that whatever the import started goes too.
        how = signal.SIGTERM if self.sent else signal.SIGKILL
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpgrp(), how)
        else:
            os.kill(os.getpid(), how)


def listen_address():
    host = os.environ.get("HOST", "0.0.0.0")
    raw = os.environ.get("PORT", "8080")
    if not raw.isdigit() or int(raw) > 65535:
        fail(f"PORT={raw!r} is not a port number; set PORT to an integer from 0 to 65535")
    return host, int(raw)


def top_level_names(source):
    """Names the script binds at column 0 that matter here: `app` and `handle`.

    A line scan rather than `ast`: it costs nothing on the cold-start path, and these are
    the forms the handler styles are written in (def, assignment, import, class)."""
    names = set()
    for line in source.splitlines():
        if not line or line[0] in " \t#":
            continue
        words = line.replace("(", " ").replace(":", " ").replace("=", " = ").replace(",", " ").split()
        if len(words) >= 2 and words[0] in ("def", "class"):
            names.add(words[1])
        elif len(words) >= 3 and words[0:2] == ["async", "def"]:
            names.add(words[2])
        elif words[0] in ("from", "import"):
            names.update(words[words.index("import") + 1:] if "import" in words else [])
        elif "=" in words[1:3]:
            names.add(words[0])
    return names & {"app", "handle"}


def load_module(path, source):
    stem = os.path.splitext(os.path.basename(path))[0]
    # The script's own name keeps pickling and dataclasses working; a name that would
    # shadow a standard or already loaded module gets a neutral one instead.
    taken = stem in sys.modules or stem in sys.stdlib_module_names
    name = stem if stem.isidentifier() and not taken else "faas_function"
    module = type(sys)(name)  # a plain module, without importing importlib.util
    module.__file__ = path
    global script_module
    script_module = name
    sys.modules[name] = module
    exec(compile(source, path, "exec"), module.__dict__)
    return module


def forwarded_prefix(value):
    """The path the gateway serves this function under (`X-Forwarded-Prefix`), or "" if unusable."""
    value = value.strip().rstrip("/")
    if not value.startswith("/") or any(c in value for c in "?#\r\n\\") or "//" in value:
        return ""
    return value


def is_asgi(app):
    call = app if hasattr(app, "__code__") else getattr(type(app), "__call__", None)
    code = getattr(call, "__code__", None)
    if code is None:
        return False
    coroutine_flag = 0x80
    if code.co_flags & coroutine_flag:
        return True
    positional = code.co_argcount - (0 if call is app else 1)
    return positional == 3



# --- style 4: the script serves itself -------------------------------------------------


def serve_script_itself(path, port, ready):
    import runpy
    import socket

    if port == 0:
        # One port, as in a pod: a script that hard-codes its own would work here and never in a pod.
        with socket.socket() as probe:
            probe.bind((os.environ.get("HOST", "0.0.0.0"), 0))
            port = probe.getsockname()[1]
        os.environ["PORT"] = str(port)
    original_listen = socket.socket.listen

    def listen(sock, *args):
        original_listen(sock, *args)
        if ready.sent or sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
            return
        bound = sock.getsockname()[1]
        if bound != port:
            sys.stderr.write(
                f"bootstrap: {path} listens on port {bound}, not on $PORT ({port}); in a pod $PORT is 8080 and "
                f"the pod would never become ready: listen on int(os.environ['PORT'])\n")
            sys.stderr.flush()
            os._exit(2)  # not sys.exit: the script's own try/except must not swallow it
        socket.socket.listen = original_listen
        ready.send(bound)

    socket.socket.listen = listen
    sys.argv = [path]
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and sys.path[0] in (here, ""):
        del sys.path[0]
    runpy.run_path(path, run_name="__main__")
    if not ready.sent:
        fail(f"{path} defines neither `app` nor `handle`, so it must serve HTTP itself on $PORT, "
             "but it returned without listening; define `app` or `handle(req)`, or start a server on $PORT")


# --- style 1: ASGI through uvicorn ------------------------------------------------------


def serve_asgi(app, host, port, ready):
    try:
        import uvicorn
    except ImportError:
        fail("`app` is an ASGI application but uvicorn is not installed in the script's environment; "
             'add "uvicorn" to the script\'s dependencies (# dependencies = ["fastapi", "uvicorn"])')

    async def app_with_health(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == HEALTH_PATH:
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"ok\n"})
            return
        if scope["type"] == "http" and scope["path"] == SPECIALIZE_PATH:
            await send({"type": "http.response.start", "status": 409, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": ALREADY_SPECIALIZED})
            return
        if scope["type"] in ("http", "websocket"):
            prefix = next((value for key, value in scope["headers"] if key == b"x-forwarded-prefix"), b"")
            prefix = forwarded_prefix(prefix.decode("latin-1"))
            if prefix:
                # ASGI's path includes root_path (uvicorn's --root-path does the same): the app
                # routes on what follows it and builds URLs (FastAPI's /docs, redirects) with it.
                raw = scope.get("raw_path") or scope["path"].encode()
                scope = dict(scope, root_path=prefix, path=prefix + scope["path"], raw_path=prefix.encode() + raw)
        await app(scope, receive, send)

    class ReportingServer(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if not self.should_exit:
                ready.stop = self.request_exit
                ready.send(self.servers[0].sockets[0].getsockname()[1])

        def request_exit(self):
            self.should_exit = True

    level = os.environ.get("UVICORN_LOG_LEVEL", "warning")
    config = uvicorn.Config(app_with_health, host=host, port=port, log_level=level, access_log=False,
                            backlog=1024, timeout_graceful_shutdown=30)
    ReportingServer(config).run()


# --- styles 2 and 3: a threaded HTTP/1.1 server ---------------------------------------
# http.server would pull in email, http.client and ssl: a third of a stdlib cold start.
# This is the small part of HTTP/1.1 the gateway speaks: keep-alive, Content-Length or
# chunked bodies, Expect: 100-continue.

MAX_LINE = 65536
MAX_HEADERS = 200


class Headers:
    """Request headers: case-insensitive lookup, order and repeats kept."""

    def __init__(self, pairs):
        self._pairs = pairs

    def get(self, name, default=None):
        name = name.lower()
        for key, value in self._pairs:
            if key.lower() == name:
                return value
        return default

    def get_all(self, name):
        name = name.lower()
        return [value for key, value in self._pairs if key.lower() == name]

    def __getitem__(self, name):
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name):
        return self.get(name) is not None

    def items(self):
        return list(self._pairs)

    def keys(self):
        return [key for key, _ in self._pairs]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self._pairs)

    def __repr__(self):
        return f"Headers({self._pairs!r})"


class BadAnswer(Exception):
    """The function's answer cannot be relayed over HTTP/1.1 as it is; it is refused, not sent."""


def check_answer(status, headers, has_body):
    """Refuses what would corrupt the exchange: an injected header, a final status that is not
    final, a body where HTTP allows none."""
    if not 200 <= status <= 999:
        if status == 101:
            raise BadAnswer("status 101 (Switching Protocols) answers only an upgrade request, and this was none")
        raise BadAnswer(f"status {status} is not a final status; answer with 200-599")
    if has_body and status in (204, 304):
        raise BadAnswer(f"status {status} may not carry a body, yet the answer has one; send an empty body or status 200")
    for key, value in headers:
        key, value = str(key), str(value)
        if not key or any(c in key for c in " \t\r\n\0:"):
            raise BadAnswer(f"header name {key[:60]!r} is not a valid HTTP header name")
        if any(c in value for c in "\r\n\0"):
            raise BadAnswer(f"header {key[:60]!r} has a line break or NUL in its value, which would inject headers")


def function_name(path):
    """The function's name as the platform derives it from the file name."""
    return os.path.splitext(os.path.basename(path))[0].lower().replace("_", "-")


class BadRequest(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def status_line(status):
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP/1.1 {status} {phrase}\r\n"


def serve_threaded(responder, host, port, ready, script_path):
    import socket
    import socketserver
    import time

    class Exchange:
        """One request on a connection, and the means to answer it."""

        def __init__(self, connection, rfile, wfile, client_address, server_address):
            self.connection, self.rfile, self.wfile = connection, rfile, wfile
            self.client_address, self.server_address = client_address, server_address
            self.started = False
            self.bodyless = False
            self.chunked = False
            self.keep_alive = False

        def read_head(self):
            line = self.rfile.readline(MAX_LINE + 1)
            if not line:
                return False
            if len(line) > MAX_LINE:
                raise BadRequest(414, "request line too long")
            parts = line.decode("latin-1").rstrip("\r\n").split()
            if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
                raise BadRequest(400, f"malformed request line {line[:80]!r}")
            self.command, self.path, self.request_version = parts
            pairs = []
            while True:
                line = self.rfile.readline(MAX_LINE + 1)
                if line in (b"\r\n", b"\n", b""):
                    break
                if len(pairs) >= MAX_HEADERS or len(line) > MAX_LINE:
                    raise BadRequest(431, "too many or too long headers")
                key, colon, value = line.decode("latin-1").partition(":")
                if not colon:
                    raise BadRequest(400, f"malformed header line {line[:80]!r}")
                pairs.append((key.strip(), value.strip()))
            self.headers = Headers(pairs)
            connection = self.headers.get("Connection", "").lower()
            if self.request_version == "HTTP/1.0":
                self.keep_alive = "keep-alive" in connection
            else:
                self.keep_alive = "close" not in connection
            return True

        def read_body(self):
            if self.headers.get("Expect", "").lower() == "100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                parts = []
                while True:
                    size_line = self.rfile.readline(MAX_LINE + 1).split(b";", 1)[0].strip()
                    try:
                        size = int(size_line, 16)
                    except ValueError:
                        raise BadRequest(400, f"malformed chunk size {size_line[:20]!r}") from None
                    if size == 0:
                        while self.rfile.readline(MAX_LINE + 1) not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(parts)
                    parts.append(self.rfile.read(size))
                    self.rfile.readline(MAX_LINE + 1)
            length = self.headers.get("Content-Length")
            if not length:
                return b""
            if not length.isdigit():
                raise BadRequest(400, f"Content-Length {length!r} is not a number")
            return self.rfile.read(int(length))

        def start(self, status, headers, length=None):
            """Sends the status line and headers; without a length the body is chunked."""
            bodyless = status in (204, 304)
            check_answer(status, headers, bool(length))
            self.started = True
            self.bodyless = bodyless
            self.chunked = length is None and self.command != "HEAD" and not bodyless
            lines = [status_line(status), "Server: poorman-faas\r\n",
                     time.strftime("Date: %a, %d %b %Y %H:%M:%S GMT\r\n", time.gmtime())]
            for key, value in headers:
                if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                    lines.append(f"{key}: {value}\r\n")
            if self.chunked:
                lines.append("Transfer-Encoding: chunked\r\n")
            elif length is not None and not bodyless:
                lines.append(f"Content-Length: {length}\r\n")
            if length is None and not self.chunked and not bodyless:
                self.keep_alive = False
            if not self.keep_alive or server.draining:
                self.keep_alive = False
                lines.append("Connection: close\r\n")
            lines.append("\r\n")
            self.wfile.write("".join(lines).encode("latin-1"))

        def write(self, data):
            if not data or self.command == "HEAD":
                return
            if self.bodyless:
                # Too late for a 502: the head is out. Dropping the bytes keeps the connection sane.
                print(f"bootstrap: dropped {len(data)} bytes of body after a bodyless status", file=sys.stderr, flush=True)
                return
            if self.chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            else:
                self.wfile.write(data)

        def end(self):
            if self.chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def respond(self, status, headers, body):
            self.start(status, headers, len(body))
            self.write(body)
            self.end()

    class Handler(socketserver.StreamRequestHandler):
        busy = False
        # Head and body are separate writes: with Nagle on, a kept-alive caller's delayed ACK holds
        # the body back about 40 ms.
        disable_nagle_algorithm = True

        def handle(self):
            server.connections.add(self)
            try:
                while not server.draining and self.serve_one():
                    pass
            except (ConnectionError, TimeoutError):
                pass
            finally:
                server.connections.discard(self)

        def serve_one(self):
            exchange = Exchange(self.connection, self.rfile, self.wfile, self.client_address, server.server_address)
            try:
                if not exchange.read_head():
                    return False
                self.busy = True
                body = exchange.read_body()
            except BadRequest as error:
                exchange.command = "GET"
                exchange.respond(error.status, [("Content-Type", "text/plain")], f"{error}\n".encode())
                return False
            try:
                target = exchange.path.split("?", 1)[0]
                if target == HEALTH_PATH:
                    exchange.respond(200, [("Content-Type", "text/plain")], b"ok\n")
                elif target == SPECIALIZE_PATH:
                    exchange.respond(409, [("Content-Type", "text/plain")], ALREADY_SPECIALIZED)
                else:
                    responder(exchange, body)
            except (ConnectionError, TimeoutError):
                raise
            except BadAnswer as refused:
                name = function_name(script_path)
                print(f"bootstrap: refused the answer of {name} to {exchange.command} {exchange.path[:200]}: {refused}",
                      file=sys.stderr, flush=True)
                if exchange.started:
                    return False
                import json

                body = json.dumps({"error": "upstream_error", "function": name,
                                   "message": f'function "{name}" gave an answer HTTP cannot relay: {refused}'})
                exchange.respond(502, [("Content-Type", "application/json; charset=utf-8")], body.encode())
            except Exception:
                import traceback

                traceback.print_exc()
                if exchange.started:
                    return False
                exchange.respond(500, [("Content-Type", "text/plain")],
                                 b"the function raised an exception; its log has the traceback\n")
            finally:
                self.busy = False
            return exchange.keep_alive

    class Server(socketserver.ThreadingTCPServer):
        # Joined on close, so SIGTERM lets requests in flight finish.
        daemon_threads = False
        block_on_close = True
        allow_reuse_address = True
        request_queue_size = 1024
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        draining = False

        def drain(self):
            self.draining = True
            self.shutdown()
            for handler in list(self.connections):
                if not handler.busy:
                    try:
                        handler.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

    server = Server((host, port), Handler)
    server.connections = set()

    def on_term(signum, frame):
        threading.Thread(target=server.drain, name="faas-drain").start()

    if ready.owns_signals:
        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGINT, on_term)
    ready.stop = server.drain
    ready.send(server.server_address[1])
    # The poll interval bounds how long SIGTERM waits for the accept loop to notice.
    server.serve_forever(poll_interval=0.1)
    server.server_close()


def wsgi_responder(app):
    from io import BytesIO
    from urllib.parse import unquote

    def respond(handler, body):
        path, _, query = handler.path.partition("?")
        environ = {
            "REQUEST_METHOD": handler.command,
            # Behind the gateway the app lives under /function/<name>: Flask's url_for and redirects use this.
            "SCRIPT_NAME": forwarded_prefix(handler.headers.get("X-Forwarded-Prefix", "")),
            "PATH_INFO": unquote(path, encoding="latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": handler.server_address[0],
            "SERVER_PORT": str(handler.server_address[1]),
            "SERVER_PROTOCOL": handler.request_version,
            "REMOTE_ADDR": handler.client_address[0],
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": handler.headers.get("Content-Type", ""),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": handler.headers.get("X-Forwarded-Proto", "http"),
            "wsgi.input": BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for key, value in handler.headers.items():
            name = "HTTP_" + key.upper().replace("-", "_")
            if name not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                environ[name] = f"{environ[name]},{value}" if name in environ else value
        pending = {}

        def start_response(status, headers, exc_info=None):
            if exc_info and handler.started:
                raise exc_info[1].with_traceback(exc_info[2])
            pending["status"], pending["headers"] = int(status.split(" ", 1)[0]), headers
            return write

        def send_headers():
            if not handler.started:
                declared = next((v for k, v in pending["headers"] if k.lower() == "content-length"), None)
                handler.start(pending["status"], pending["headers"], int(declared) if declared else None)

        def write(data):
            if data and not handler.started and pending["status"] in (204, 304):
                check_answer(pending["status"], [], True)
            send_headers()
            handler.write(data)

        result = app(environ, start_response)
        try:
            for chunk in result:
                if chunk:
                    write(chunk)
            send_headers()
            handler.end()
        finally:
            if hasattr(result, "close"):
                result.close()

    return respond


# --- style 3: handle(req) and handle(event, context) -----------------------------------


class Event:
    """What OpenFaaS python3-http passes as `event`."""

    def __init__(self, handler, body):
        self.path, _, self.query_string = handler.path.partition("?")
        self.body = body
        self.headers = handler.headers
        self.method = handler.command

    @property
    def query(self):
        """First value of each query parameter (urllib is imported only when asked)."""
        from urllib.parse import parse_qsl

        return dict(reversed(parse_qsl(self.query_string, keep_blank_values=True)))


class Context:
    def __init__(self):
        self.hostname = os.environ.get("HOSTNAME", "localhost")


def encode_body(body):
    """Body and its default content type, for what a handler may return."""
    if body is None:
        return b"", "text/plain; charset=utf-8"
    if isinstance(body, (bytes, bytearray)):
        return bytes(body), "application/octet-stream"
    if isinstance(body, (dict, list)):
        import json

        return json.dumps(body).encode(), JSON_TYPE
    return str(body).encode(), "text/plain; charset=utf-8"


def is_stream(result):
    """A generator or any other iterator: items to send as they come, not a value to repr."""
    return hasattr(result, "__next__") and not isinstance(result, (str, bytes, bytearray, dict, list, tuple))


def stream_body(handler, status, headers, items):
    """Sends each item (str or bytes) as a chunk as soon as the handler yields it."""
    done = object()
    try:
        item = next(items, done)
        if not any(key.lower() == "content-type" for key, _ in headers):
            binary = isinstance(item, (bytes, bytearray))
            headers.append(("Content-Type", "application/octet-stream" if binary else "text/plain; charset=utf-8"))
        handler.start(status, headers, 0 if item is done else None)
        while item is not done:
            if item is not None:
                handler.write(item if isinstance(item, (bytes, bytearray)) else str(item).encode())
            item = next(items, done)
        handler.end()
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()


def positional_count(function):
    code = getattr(function, "__code__", None)
    if code is not None:
        return code.co_argcount
    import inspect  # only for callables that are not plain functions: it is slow to import

    return len(inspect.signature(function).parameters)


def handle_responder(handle):
    takes_context = positional_count(handle) >= 2
    if getattr(getattr(handle, "__code__", None), "co_flags", 0) & 0x80:  # `async def handle`
        import asyncio

        coroutine_handle = handle

        def handle(*args):
            return asyncio.run(coroutine_handle(*args))
    context = Context()

    def respond(handler, body):
        if takes_context:
            result = handle(Event(handler, body), context)
            if isinstance(result, dict):
                result = (result.get("body"), result.get("statusCode", 200), result.get("headers") or {})
        else:
            result = handle(body.decode("utf-8", errors="replace"))
        status, headers = 200, {}
        if isinstance(result, tuple):
            result, status, *rest = result
            headers = rest[0] if rest else {}
        headers = list(headers.items() if isinstance(headers, dict) else headers)
        if is_stream(result):
            return stream_body(handler, int(status), headers, result)
        payload, content_type = encode_body(result)
        if not any(key.lower() == "content-type" for key, _ in headers):
            headers.append(("Content-Type", content_type))
        handler.respond(int(status), headers, payload)

    return respond


# --- pool mode: imported ahead, specialized once ---------------------------------------
# `bootstrap.py --pool [script.py ...]` imports what the scripts of one environment import
# before it reports ready, then waits for exactly one specialization: a script and its
# settings. From then on it is that function's process, as if started for it; it never
# returns to the pool. Locally the parent sends the specialization on FAAS_READY_FD; in a
# pod the gateway sends it to POST /_/specialize, signed with the pool's shared secret.


def third_party_imports(paths):
    """Modules the scripts import at module level that are not the standard library's.

    Read with `ast`: this runs before the pool is ready, off the wake path, and unlike a line
    scan it sees `import a, b`, parentheses and imports inside a top-level `try:`."""
    import ast

    found = []

    def visit(statements):
        for node in statements:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                for block in ("body", "orelse", "finalbody", "handlers"):
                    inner = getattr(node, block, None)
                    if isinstance(node, (ast.If, ast.Try, ast.ExceptHandler)) and inner:
                        visit(inner)
                continue
            for name in names:
                if name.split(".")[0] not in sys.stdlib_module_names and name != "__future__" and name not in found:
                    found.append(name)

    for path in paths:
        try:
            with open(path, encoding="utf-8") as file:
                visit(ast.parse(file.read(), path).body)
        except (OSError, SyntaxError, ValueError) as error:
            print(f"bootstrap: pool: not reading the imports of {path}: {error}", file=sys.stderr, flush=True)
    return found


def new_modules(before):
    """Modules loaded since `before` (submodules too: importing a package does not load them)."""
    return sorted(name for name, module in list(sys.modules.items())
                  if name not in before and module is not None and name != "__main__"
                  and getattr(module, "__file__", None) is not None and name != script_module)


def preload(modules):
    """Imports each module; one that fails is named and skipped: the script meets the same error,
    with its own traceback, when it is specialized."""
    import importlib

    loaded = []
    for name in modules:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception as error:  # a pool must come up whatever one module does at import
            print(f"bootstrap: pool: could not import {name} ahead: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
    # What serving needs, whichever style the script turns out to be.
    import json  # noqa: F401
    import socket  # noqa: F401
    import socketserver  # noqa: F401
    from http import HTTPStatus  # noqa: F401

    try:
        import uvicorn
    except ImportError:
        return loaded

    async def nothing(scope, receive, send):
        pass

    # load() imports the protocol, loop and lifespan modules uvicorn picks, so a specialized ASGI
    # app starts with them in sys.modules.
    uvicorn.Config(nothing, log_level="warning").load()
    return loaded


# What a pool process served during its warm-up stays referenced: a framework may cache by id()
# (FastAPI keeps each endpoint's source location so), and a collected stand-in's id could be reused.
warmed_up = []


class WarmUpSignal:
    """What a stand-in server reports to during the warm-up: one call over a real socket, then stop."""

    def __init__(self, style):
        self.style = style
        self.sent = False
        self.stop = None
        self.answer = b""
        # A SIGTERM meanwhile still ends the pool process at once, not just this stand-in.
        self.owns_signals = False

    def send(self, port):
        self.sent = True
        threading.Thread(target=self._call, args=(port,), name="faas-warm-up", daemon=True).start()

    def _call(self, port):
        import socket

        body = b'{"text": "warm-up"}'
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                conn.sendall(b"POST /warm-up/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                while len(self.answer) < 65536:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    self.answer += chunk
        except OSError as error:
            print(f"bootstrap: pool: the {self.style} warm-up call failed: {error}", file=sys.stderr, flush=True)
        finally:
            if self.stop is not None:
                self.stop()


def warm_up_handle(req):
    return req


def stand_ins():
    """A stand-in function of each style this environment can serve, with the server it would get."""
    yield "handle(req)", lambda ready: serve_threaded(handle_responder(warm_up_handle), "127.0.0.1", 0, ready, "warm_up.py")
    if "fastapi" in sys.modules and "uvicorn" in sys.modules:
        from fastapi import FastAPI
        from pydantic import BaseModel

        class WarmUpBody(BaseModel):
            text: str

        app = FastAPI(openapi_url=None)

        @app.post("/warm-up/")
        async def warm_up_route(body: WarmUpBody):
            return {"text": body.text}

        warmed_up.append(app)
        yield "FastAPI", lambda ready: serve_asgi(app, "127.0.0.1", 0, ready)
    if "flask" in sys.modules:
        from flask import Flask, request

        app = Flask("faas_warm_up")
        app.add_url_rule("/warm-up/", "warm_up", lambda: request.get_json(), methods=["POST"])
        warmed_up.append(app)
        yield "Flask", lambda ready: serve_threaded(wsgi_responder(app), "127.0.0.1", 0, ready, "warm_up.py")


def warm_up():
    """Serves one call of a stand-in function in each style, through the server a function gets.

    A wake pays for what a framework and its server do once per process: FastAPI's first model
    and app, uvicorn's and asyncio's first server, a route's first call (FastAPI reads the
    endpoint's source lines then, compiling tokenize's patterns). The pool pays it instead."""
    import time

    started = time.perf_counter()
    handlers = {name: signal.getsignal(name) for name in (signal.SIGTERM, signal.SIGINT)}
    served = []
    try:
        for style, run in stand_ins():
            ready = WarmUpSignal(style)
            try:
                run(ready)
            except (Exception, SystemExit) as error:  # a pool must come up whatever a warm-up does
                print(f"bootstrap: pool: the {style} warm-up failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
            if ready.answer.startswith(b"HTTP/1.1 200"):
                served.append(style)
            elif ready.sent:
                print(f"bootstrap: pool: the {style} warm-up got {ready.answer[:80]!r}", file=sys.stderr, flush=True)
    except Exception as error:
        print(f"bootstrap: pool: the warm-up failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
    finally:
        # The servers set their own; the pool process stops at once on SIGTERM, as before.
        for name, handler in handlers.items():
            signal.signal(name, handler)
    print(f"bootstrap: pool: served one call of a stand-in {', '.join(served) or 'nothing'} in {(time.perf_counter() - started) * 1000:.0f} ms",
          file=sys.stderr, flush=True)


class SpecializationError(Exception):
    """A specialization message that cannot be applied; the pool process stays as it is."""


def read_specialization(raw):
    """The script path and source, and the settings, of a specialization message (JSON):
    `{"path": ...}` for a script on this machine, or `{"filename": ..., "source": ...}` for one
    sent whole; `env` is the function's environment."""
    import json

    try:
        message = json.loads(raw)
    except ValueError as error:
        raise SpecializationError(f"the specialization is not JSON: {error}") from None
    if not isinstance(message, dict):
        raise SpecializationError("the specialization must be a JSON object")
    env = message.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise SpecializationError('"env" must map names to strings')
    if isinstance(message.get("source"), str):
        filename = message.get("filename")
        if not isinstance(filename, str) or not filename.endswith(".py") or os.path.basename(filename) != filename:
            raise SpecializationError('"filename" must be the script\'s file name, like echo.py')
        folder = os.environ.get("FAAS_SCRIPT_DIR", "/tmp/faas-function")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, filename)
        with open(path, "w", encoding="utf-8") as file:
            file.write(message["source"])
        return path, message["source"], env
    path = message.get("path")
    if not isinstance(path, str):
        raise SpecializationError('a specialization names the script: "path", or "filename" and "source"')
    try:
        with open(path, encoding="utf-8") as file:
            return path, file.read(), env
    except OSError as error:
        raise SpecializationError(f"cannot read {path}: {error.strerror}") from None


def pool_main(scripts):
    import time

    sys.stdout.reconfigure(line_buffering=True)
    host, port = listen_address()
    ready = ReadySignal.from_env()
    started = time.perf_counter()
    modules = os.environ.get("FAAS_POOL_IMPORTS", "").replace(",", " ").split()
    modules += [name for name in third_party_imports(scripts) if name not in modules]
    loaded = preload(modules)
    shown = ", ".join(loaded[:20]) + (f" and {len(loaded) - 20} more" if len(loaded) > 20 else "")
    print(f"bootstrap: pool: imported {shown or 'nothing beyond the server'} in {(time.perf_counter() - started) * 1000:.0f} ms",
          file=sys.stderr, flush=True)
    warm_up()
    if ready.fd is None:
        return serve_pool_http(host, port, ready)
    ready.send_line("pool-ready")
    line = ready.next_line()
    ready.specialized_at = time.perf_counter()
    try:
        path, source, env = read_specialization(line)
    except SpecializationError as error:
        fail(str(error))
    os.environ.update(env)
    ready.modules_before = set(sys.modules)
    return serve(path, source, host, port, ready)


def pool_secret():
    path = os.environ.get("FAAS_POOL_SECRET_FILE", "")
    if not path:
        fail("FAAS_POOL_SECRET_FILE is not set: a pool pod serves only specializations signed with the pool's "
             "secret; mount the secret and point FAAS_POOL_SECRET_FILE at it")
    try:
        with open(path, "rb") as file:
            secret = file.read().strip()
    except OSError as error:
        fail(f"cannot read the pool secret {path}: {error.strerror}; mount the pool's Secret there")
    if len(secret) < 32:
        fail(f"the pool secret in {path} is {len(secret)} bytes; use at least 32 random bytes")
    return secret


def specialization_signature(secret, timestamp, pod, body):
    """HMAC-SHA256 over the time, the pod's name and the body: a request signed for one pod, at one
    moment, cannot be replayed to another pod or later."""
    import hashlib
    import hmac

    return hmac.new(secret, f"{timestamp}\n{pod}\n".encode() + body, hashlib.sha256).hexdigest()


SIGNATURE_WINDOW_SECONDS = 60


def serve_pool_http(host, port, ready):
    """Serves health and one signed specialization on `port`, then hands the port to the function."""
    import hmac
    import json
    import socket
    import time
    import traceback

    secret = pool_secret()
    pod = os.environ.get("POD_NAME") or os.environ.get("HOSTNAME", "")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=128)
    print(f"bootstrap: pool: waiting for a specialization on {host}:{listener.getsockname()[1]}", file=sys.stderr, flush=True)

    def answer(conn, status, body):
        payload = json.dumps(body).encode()
        conn.sendall(f"{status_line(status)}Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
                     "Connection: close\r\n\r\n".encode("latin-1") + payload)

    def refuse(conn, status, error, message):
        print(f"bootstrap: pool: refused a specialization: {message}", file=sys.stderr, flush=True)
        answer(conn, status, {"error": error, "message": message})

    def exchange(conn):
        """The accepted specialization, or None when this request was anything else (answered)."""
        rfile = conn.makefile("rb")
        line = rfile.readline(MAX_LINE + 1)
        parts = line.decode("latin-1").split()
        if len(parts) != 3:
            return None
        method, target = parts[0], parts[1].split("?", 1)[0]
        pairs = []
        while len(pairs) < MAX_HEADERS:
            line = rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n", b""):
                break
            key, _, value = line.decode("latin-1").partition(":")
            pairs.append((key.strip(), value.strip()))
        headers = Headers(pairs)
        if target == HEALTH_PATH:
            answer(conn, 200, {"pool": True})
            return None
        if target != SPECIALIZE_PATH or method != "POST":
            answer(conn, 503, {"error": "not_specialized",
                               "message": "this is a warm pool process that serves no function yet; call functions through the gateway"})
            return None
        length = headers.get("Content-Length", "")
        if not length.isdigit() or int(length) > POOL_MESSAGE_LIMIT:
            refuse(conn, 413, "bad_request", f"Content-Length must be a number up to {POOL_MESSAGE_LIMIT}")
            return None
        body = rfile.read(int(length))
        stamp = headers.get("X-Faas-Timestamp", "")
        signature = headers.get("X-Faas-Signature", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > SIGNATURE_WINDOW_SECONDS:
            refuse(conn, 403, "forbidden", f"X-Faas-Timestamp must be the current Unix time (within {SIGNATURE_WINDOW_SECONDS} s)")
            return None
        expected = specialization_signature(secret, stamp, pod, body)
        if not hmac.compare_digest(signature.encode(), f"sha256={expected}".encode()):
            refuse(conn, 403, "forbidden", f"X-Faas-Signature is not this pool's signature for pod {pod!r}")
            return None
        try:
            return read_specialization(body)
        except SpecializationError as error:
            refuse(conn, 400, "bad_request", str(error))
            return None

    while True:
        conn, _ = listener.accept()
        conn.settimeout(10)
        try:
            accepted = exchange(conn)
        except (OSError, ValueError):
            accepted = None
        if accepted is not None:
            break
        conn.close()
    ready.specialized_at = time.perf_counter()
    # The port goes to the function's own server (the same port, also when PORT=0 picked it); the
    # gateway, still waiting on `conn`, is answered once that server listens, and calls from then on.
    port = listener.getsockname()[1]
    listener.close()
    path, source, env = accepted
    os.environ.update(env)

    def answered(bound):
        answer(conn, 200, {"function": function_name(path), "port": bound})
        conn.close()

    ready.on_send = answered
    try:
        return serve(path, source, host, port, ready)
    except BaseException as error:
        if not ready.sent:
            detail = failure_message if isinstance(error, SystemExit) and failure_message else traceback.format_exc()
            answer(conn, 502, {"error": "start_failed", "function": function_name(path),
                               "message": f'function "{function_name(path)}" failed while starting', "logTail": detail})
            conn.close()
        raise


def serve(path, source, host, port, ready):
    """Loads the script and serves it in the style it is written in; returns when the server stops."""
    names = top_level_names(source)
    if "app" not in names and "handle" not in names:
        return serve_script_itself(path, port, ready)

    # Python put the bootstrap's own folder first on the path; in a pod the script sits there too.
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and sys.path[0] in (here, ""):
        del sys.path[0]
    module = load_module(path, source)
    if ready.specialized_at is not None:
        import time

        ready.loaded_at = time.perf_counter()
    app = getattr(module, "app", None)
    if app is not None:
        if is_asgi(app):
            return serve_asgi(app, host, port, ready)
        return serve_threaded(wsgi_responder(app), host, port, ready, path)
    handle = getattr(module, "handle", None)
    if not callable(handle):
        fail(f"{path}: `handle` must be a function, e.g. `def handle(req): return req`")
    return serve_threaded(handle_responder(handle), host, port, ready, path)


def main(argv):
    if len(argv) >= 2 and argv[1] == "--pool":
        return pool_main(argv[2:])
    if len(argv) != 2:
        fail("usage: python bootstrap.py <script.py>  |  python bootstrap.py --pool [script.py ...]")
    path = os.path.abspath(argv[1])
    try:
        with open(path, encoding="utf-8") as file:
            source = file.read()
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}; pass the path of the function's .py file")
    sys.stdout.reconfigure(line_buffering=True)
    host, port = listen_address()
    ready = ReadySignal.from_env()
    return serve(path, source, host, port, ready)


if __name__ == "__main__":
    main(sys.argv)
