"""A small local stand-in of the organisation registry's public API.

It serves, on 127.0.0.1, what Traject's importer reads from the registry:

- ``GET /v1/search/organisations?q=changeId:[N TO *]&sort=changeId,id
  &scroll=true``: the documents with a changeId of N or more, sorted by
  changeId and id, in the search serialisation (nulls, empty strings and
  empty arrays left out), a page at a time, with the ``x-search-metadata``
  header ``{"scrollId": …, "timeInMs": 1, "totalItems": …}``; ``q=*`` reads
  every document;
- ``GET /v1/search/organisations/scroll?id=<scrollId>``: the next page, with
  a new scroll id; an unknown or expired scroll id answers 400, as the
  registry does;
- ``GET /v1/powerbi/search/organisations``: every document in the full
  serialisation, sorted by OVO number, streamed as a JSON array element by
  element;
- ``GET /files/<name>``: a file of a directory, for the feeds of the HR
  system and the process register, which have no public API to imitate.

Tests start it in a thread and inject faults (see ``Faults``)::

    with RegistryStandIn(documents, scroll_size=2) as base_url:
        RegistryClient(base_url).iter_changes(0)

For the demo it runs on its own, serving a file of registry documents (a JSON
array or a slice of the registry's export) and optionally a directory::

    python -m sources.standin --port 8040 --file organisations.json \\
        --directory feeds/

The importer then reads ``http://127.0.0.1:8040`` as the registry and
``http://127.0.0.1:8040/files/<name>`` as the other feeds.
"""

import argparse
import json
import logging
import mimetypes
import re
import shutil
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sources.streaming import iter_json_array

logger = logging.getLogger(__name__)

SEARCH_PATH = "/v1/search/organisations"
SCROLL_PATH = "/v1/search/organisations/scroll"
FULL_PATH = "/v1/powerbi/search/organisations"
FILES_PREFIX = "/files/"
CHANGE_QUERY = re.compile(r"changeId:\[(\d+) TO \*\]")
# The search serialisation always writes these, even when false.
ALWAYS_WRITTEN = {"isMainLocation", "isMainBuilding"}


@dataclass
class Faults:
    """Failures to imitate, for tests.

    ``error_on_request``: answer 500 to the n-th request (1-based).
    ``hang_on_path``: wait ``hang_seconds`` before answering a request to this
    path (longer than the client's timeout).
    ``expire_scroll_after``: a scroll id handed out with the k-th page of a
    scroll is already expired when it comes back.
    ``truncate_after``: the full export stops after k documents, without its
    closing bracket.
    """

    error_on_request: int | None = None
    hang_on_path: str | None = None
    hang_seconds: float = 5.0
    expire_scroll_after: int | None = None
    truncate_after: int | None = None


def search_serialisation(value):
    """``value`` as the search API writes it: nulls, empty strings and empty
    arrays left out at every depth; an open period becomes ``{}``."""
    if isinstance(value, dict):
        return {
            key: search_serialisation(item)
            for key, item in value.items()
            if key in ALWAYS_WRITTEN or item not in (None, "", [])
        }
    if isinstance(value, list):
        return [search_serialisation(item) for item in value]
    return value


def _sort_key(document):
    return (document.get("changeId") or 0, str(document.get("id", "")))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        # A client that gave up (a timeout test) closes its end mid-answer.
        logger.debug("The client at %s went away", client_address)


class RegistryStandIn:
    """The registry on 127.0.0.1, in a thread; ``start`` returns its URL.

    ``documents`` are registry documents in the full serialisation; replace
    the attribute to change what the registry holds between two runs.
    ``requests`` lists the paths (with their queries) asked so far.
    """

    def __init__(self, documents, *, scroll_size=100, faults=None, directory=None):
        self.documents = list(documents)
        self.scroll_size = scroll_size
        if isinstance(faults, dict):
            faults = Faults(**faults)
        self.faults = faults or Faults()
        self.directory = Path(directory) if directory else None
        self.requests = []
        self._scrolls = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = None
        self._thread = None

    def start(self, port=0):
        handler = type("Handler", (_Handler,), {"standin": self})
        self._server = _Server(("127.0.0.1", port), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="registry-stand-in",
            daemon=True,
        )
        self._thread.start()
        return self.url

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self):
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # What the handler asks -------------------------------------------------

    def count_request(self, path):
        """Record a request; True when it is the one to fail."""
        with self._lock:
            self.requests.append(path)
            return len(self.requests) == self.faults.error_on_request

    def hang(self):
        self._stopping.wait(self.faults.hang_seconds)

    def search(self, query):
        """The documents the query ``q`` selects, sorted by changeId and id."""
        documents = self.documents
        if query.strip() != "*":
            match = CHANGE_QUERY.fullmatch(query.strip())
            if match is None:
                return None
            since = int(match.group(1))
            documents = [d for d in documents if (d.get("changeId") or 0) >= since]
        return sorted(documents, key=_sort_key)

    def open_scroll(self, documents):
        """The first page of a new scroll and the metadata that goes with it."""
        return self._page(documents, 0, pages=1)

    def next_page(self, scroll_id):
        """The next page of a scroll, or None when the id is unknown or
        expired; every page hands out a new id."""
        with self._lock:
            scroll = self._scrolls.pop(scroll_id, None)
        if scroll is None or scroll["expired"]:
            return None
        return self._page(scroll["documents"], scroll["offset"], scroll["pages"] + 1)

    def _page(self, documents, offset, pages):
        page = documents[offset : offset + self.scroll_size]
        scroll_id = uuid.uuid4().hex
        expire_after = self.faults.expire_scroll_after
        with self._lock:
            self._scrolls[scroll_id] = {
                "documents": documents,
                "offset": offset + len(page),
                "pages": pages,
                "expired": expire_after is not None and pages >= expire_after,
            }
        metadata = {"scrollId": scroll_id, "timeInMs": 1, "totalItems": len(documents)}
        return page, metadata

    def file(self, name):
        """The file ``name`` of the directory, or None."""
        if self.directory is None or Path(name).name != name or name.startswith("."):
            return None
        path = self.directory / name
        return path if path.is_file() else None


class _Handler(BaseHTTPRequestHandler):
    standin = None
    # Close-delimited answers let the export stream without a length.
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):
        logger.debug("%s %s", self.address_string(), format % args)

    def do_GET(self):
        url = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        if self.standin.count_request(self.path):
            return self._problem(500, "Injected failure.")
        if self.standin.faults.hang_on_path == url.path:
            self.standin.hang()
            return self._problem(503, "Injected hang.")

        if url.path == FULL_PATH:
            return self._full_export()
        if url.path == SEARCH_PATH:
            return self._search(query)
        if url.path == SCROLL_PATH:
            return self._scroll(query.get("id", ""))
        if url.path.startswith(FILES_PREFIX):
            return self._file(url.path.removeprefix(FILES_PREFIX))
        return self._problem(404, "Not found.")

    def _search(self, query):
        documents = self.standin.search(query.get("q", ""))
        if documents is None:
            return self._problem(400, "This stand-in reads q=* or changeId:[N TO *].")
        if query.get("scroll") == "true":
            page, metadata = self.standin.open_scroll(documents)
        else:
            offset = int(query.get("offset", 0))
            limit = int(query.get("limit", 100))
            page = documents[offset : offset + limit]
            metadata = {"timeInMs": 1, "totalItems": len(documents)}
        self._json(
            [search_serialisation(document) for document in page],
            headers={"x-search-metadata": json.dumps(metadata)},
        )

    def _scroll(self, scroll_id):
        answer = self.standin.next_page(scroll_id)
        if answer is None:
            # The registry turns an expired scroll into a domain error.
            return self._problem(400, "Fout bij het uitvoeren van de zoekopdracht.")
        page, metadata = answer
        self._json(
            [search_serialisation(document) for document in page],
            headers={"x-search-metadata": json.dumps(metadata)},
        )

    def _full_export(self):
        documents = sorted(self.standin.documents, key=lambda d: d.get("ovoNumber", ""))
        truncate_after = self.standin.faults.truncate_after
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"[")
        for position, document in enumerate(documents):
            if truncate_after is not None and position >= truncate_after:
                self.close_connection = True
                return
            separator = b",\n" if position else b""
            self.wfile.write(separator + json.dumps(document).encode())
        self.wfile.write(b"]")

    def _file(self, name):
        path = self.standin.file(name)
        if path is None:
            return self._problem(404, "No such file.")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(path.stat().st_size))
        self.end_headers()
        with path.open("rb") as file:
            shutil.copyfileobj(file, self.wfile)

    def _json(self, value, *, status=200, headers=None):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, header in (headers or {}).items():
            self.send_header(name, header)
        self.end_headers()
        self.wfile.write(body)

    def _problem(self, status, detail):
        self._json(
            {"title": "Error", "detail": detail, "status": status}, status=status
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8040)
    parser.add_argument("--file", help="registry documents: a JSON array or slice")
    parser.add_argument("--directory", help="files to serve under /files/")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    documents = []
    if arguments.file:
        with open(arguments.file, encoding="utf-8") as stream:
            documents = list(iter_json_array(stream))
    standin = RegistryStandIn(documents, directory=arguments.directory)
    url = standin.start(port=arguments.port)
    logger.info("The registry stand-in serves %s documents on %s", len(documents), url)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()


if __name__ == "__main__":
    main()
