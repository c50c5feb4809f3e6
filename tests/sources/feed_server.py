"""A real HTTP server on 127.0.0.1 for the feed tests, run in a thread.

Each path answers a status and a body; a path marked ``hang`` sends its
headers and the first lines, then stalls until the server stops, as a source
that stops answering mid-feed.
"""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    hang_after: int | None = None  # bytes sent before the server stalls


class FeedServer:
    def __init__(self):
        self.answers = {}
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                answer = server.answers.get(self.path, Answer(404, b"Not found\n"))
                if answer.hang_after == 0:
                    server.release.wait(10)
                    return
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if answer.hang_after is None:
                    self.wfile.write(answer.body)
                    return
                self.wfile.write(answer.body[: answer.hang_after])
                self.wfile.flush()
                server.release.wait(10)

            def log_message(self, format, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
