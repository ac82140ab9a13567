"""Serve one Poorman FaaS function over HTTP.

    python bootstrap.py <script.py>

Run with the interpreter of the script's own environment, e.g.
    uv sync --script fn.py && "$(uv python find --script fn.py)" bootstrap.py fn.py
Standard library only: it ships next to every function and must not need installing.

Handler styles, detected from the names the script binds at top level (read with
`ast`, before anything runs):
  1. `app`, an ASGI application (FastAPI, Starlette): served by uvicorn, which must be
     among the script's dependencies;
  2. `app`, a WSGI application (Flask): served by a threaded standard-library server;
  3. `handle(req)`: OpenFaaS classic. The body arrives as `str`; return `str`,
     `bytes`, a dict or list (sent as JSON), or `(body, status[, headers])`;
     `handle(event, context)`: OpenFaaS python3-http. `event.body` (bytes),
     `event.headers`, `event.method`, `event.query` (dict, first value of each key),
     `event.path`; return `{"statusCode": 200, "body": ..., "headers": {...}}`;
  4. anything else runs as `__main__` and must serve HTTP itself on `$PORT`.
For styles 1-3 the script is imported under its own name, so its
`if __name__ == "__main__":` block does not run.

Environment:
  PORT            port to listen on (default 8080; 0 = any free port, reported below)
  HOST            address to listen on (default 0.0.0.0)
  FAAS_READY_FD   optional: a socket fd inherited from the parent. Once the server
                  listens, `ready <port>\\n` is written to it. Its end of file means the
                  parent is gone, and the function then stops (no orphans).

`GET /_/health` answers 200 once the handler is loaded (styles 1-3), for readiness
probes. The `/_/` prefix is reserved; a function's own routes should not start with it.
SIGTERM stops accepting connections and lets requests in flight finish.
"""

import os
import signal
import sys
import threading

HEALTH_PATH = "/_/health"
JSON_TYPE = "application/json"


def fail(message):
    sys.stderr.write(f"bootstrap: {message}\n")
    sys.exit(2)


class ReadySignal:
    """The one-line readiness handshake with a local parent process."""

    def __init__(self, fd):
        self.fd = fd
        self.sent = False

    @classmethod
    def from_env(cls):
        raw = os.environ.get("FAAS_READY_FD", "")
        if not raw:
            return cls(None)
        if not raw.isdigit():
            fail(f"FAAS_READY_FD={raw!r} is not a file descriptor number; unset it or pass the fd of the parent's socket")
        fd = int(raw)
        os.set_inheritable(fd, False)
        return cls(fd)

    def send(self, port):
        if self.sent:
            return
        self.sent = True
        print(f"listening on {os.environ.get('HOST', '0.0.0.0')}:{port}", file=sys.stderr, flush=True)
        if self.fd is None:
            return
        os.write(self.fd, f"ready {port}\n".encode())
        threading.Thread(target=self._stop_when_parent_goes, name="faas-parent-watch", daemon=True).start()

    def _stop_when_parent_goes(self):
        try:
            while os.read(self.fd, 64):
                pass
        except OSError:
            pass
        # The parent is gone: stop the way it would have stopped us.
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpgrp(), signal.SIGTERM)
        else:
            os.kill(os.getpid(), signal.SIGTERM)


def listen_address():
    host = os.environ.get("HOST", "0.0.0.0")
    raw = os.environ.get("PORT", "8080")
    if not raw.isdigit() or int(raw) > 65535:
        fail(f"PORT={raw!r} is not a port number; set PORT to an integer from 0 to 65535")
    return host, int(raw)


def top_level_names(path, source):
    import ast

    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as error:
        fail(f"{path}:{error.lineno}: {error.msg}; fix the script's syntax")
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        names.add(sub.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add(alias.asname or alias.name.split(".")[0])
    return names


def load_module(path):
    import importlib.util

    stem = os.path.splitext(os.path.basename(path))[0]
    # The script's own name keeps pickling and dataclasses working; a name that would
    # shadow a standard or already loaded module gets a neutral one instead.
    taken = stem in sys.modules or stem in sys.stdlib_module_names
    name = stem if stem.isidentifier() and not taken else "faas_function"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


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

    original_listen = socket.socket.listen

    def listen(sock, *args):
        original_listen(sock, *args)
        if ready.sent or sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
            return
        bound = sock.getsockname()[1]
        if port in (0, bound):
            socket.socket.listen = original_listen
            ready.send(bound)

    socket.socket.listen = listen
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(path))
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
        await app(scope, receive, send)

    class ReportingServer(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if not self.should_exit:
                ready.send(self.servers[0].sockets[0].getsockname()[1])

    level = os.environ.get("UVICORN_LOG_LEVEL", "warning")
    config = uvicorn.Config(app_with_health, host=host, port=port, log_level=level, access_log=False,
                            backlog=1024, timeout_graceful_shutdown=30)
    ReportingServer(config).run()


# --- styles 2 and 3: a threaded standard-library server --------------------------------


def serve_threaded(responder, host, port, ready):
    import socket
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Server(ThreadingHTTPServer):
        # Joined on close, so SIGTERM lets requests in flight finish.
        daemon_threads = False
        block_on_close = True
        request_queue_size = 1024
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        draining = False
        connections = set()

        def drain(self):
            self.draining = True
            self.shutdown()
            for handler in list(self.connections):
                if not handler.busy:
                    try:
                        handler.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "poorman-faas"
        def version_string(self):
            return self.server_version

        busy = False

        def setup(self):
            super().setup()
            self.server.connections.add(self)

        def finish(self):
            self.server.connections.discard(self)
            super().finish()

        def parse_request(self):
            self.busy = True
            return super().parse_request()

        def handle_one_request(self):
            try:
                super().handle_one_request()
            finally:
                self.busy = False
                if self.server.draining:
                    self.close_connection = True

        def log_message(self, format, *args):
            pass

        def log_error(self, format, *args):
            sys.stderr.write("bootstrap: " + (format % args) + "\n")

        def serve(self):
            self.started = False
            try:
                body = self.read_body()
            except ValueError as error:
                return self.respond(400, [("Content-Type", "text/plain")], f"{error}\n".encode())
            if self.path.split("?", 1)[0] == HEALTH_PATH:
                return self.respond(200, [("Content-Type", "text/plain")], b"ok\n")
            try:
                responder(self, body)
            except Exception:
                import traceback

                traceback.print_exc()
                if not self.started:
                    self.respond(500, [("Content-Type", "text/plain")],
                                 b"the function raised an exception; its log has the traceback\n")
                else:
                    self.close_connection = True

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = serve
        started = False

        def read_body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                parts = []
                while True:
                    line = self.rfile.readline(65537)
                    size = int(line.split(b";", 1)[0].strip() or b"x", 16)
                    if size == 0:
                        while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(parts)
                    parts.append(self.rfile.read(size))
                    self.rfile.readline(3)
            length = self.headers.get("Content-Length")
            if not length:
                return b""
            if not length.isdigit():
                raise ValueError(f"Content-Length {length!r} is not a number")
            return self.rfile.read(int(length))

        def start(self, status, headers, length=None):
            """Sends the status line and headers; without a length the body is chunked."""
            self.started = True
            self.chunked = length is None and self.command != "HEAD"
            self.send_response(status)
            for key, value in headers:
                if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(key, value)
            if self.chunked:
                self.send_header("Transfer-Encoding", "chunked")
            elif length is not None:
                self.send_header("Content-Length", str(length))
            if self.server.draining:
                self.send_header("Connection", "close")
            self.end_headers()

        def write(self, data):
            if not data or self.command == "HEAD":
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

    server = Server((host, port), Handler)

    def on_term(signum, frame):
        threading.Thread(target=server.drain, name="faas-drain").start()

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
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
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, encoding="latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": handler.server.server_address[0],
            "SERVER_PORT": str(handler.server.server_address[1]),
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
        from urllib.parse import parse_qsl

        path, _, query = handler.path.partition("?")
        self.body = body
        self.headers = handler.headers
        self.method = handler.command
        self.query = dict(reversed(parse_qsl(query, keep_blank_values=True)))
        self.path = path


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


def positional_count(function):
    code = getattr(function, "__code__", None)
    if code is not None:
        return code.co_argcount
    import inspect  # only for callables that are not plain functions: it is slow to import

    return len(inspect.signature(function).parameters)


def handle_responder(handle):
    takes_context = positional_count(handle) >= 2
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
        payload, content_type = encode_body(result)
        headers = list(headers.items() if isinstance(headers, dict) else headers)
        if not any(key.lower() == "content-type" for key, _ in headers):
            headers.append(("Content-Type", content_type))
        handler.respond(int(status), headers, payload)

    return respond


def main(argv):
    if len(argv) != 2:
        fail("usage: python bootstrap.py <script.py>")
    path = os.path.abspath(argv[1])
    try:
        with open(path, encoding="utf-8") as file:
            source = file.read()
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}; pass the path of the function's .py file")
    sys.stdout.reconfigure(line_buffering=True)
    host, port = listen_address()
    ready = ReadySignal.from_env()
    names = top_level_names(path, source)
    if "app" not in names and "handle" not in names:
        return serve_script_itself(path, port, ready)

    sys.path.insert(0, os.path.dirname(path))
    module = load_module(path)
    app = getattr(module, "app", None)
    if app is not None:
        if is_asgi(app):
            return serve_asgi(app, host, port, ready)
        return serve_threaded(wsgi_responder(app), host, port, ready)
    handle = getattr(module, "handle", None)
    if not callable(handle):
        fail(f"{path}: `handle` must be a function, e.g. `def handle(req): return req`")
    return serve_threaded(handle_responder(handle), host, port, ready)


if __name__ == "__main__":
    main(sys.argv)
