"""The client of the organisation registry's public search API.

Two ways to read the registry, both streamed one document at a time:

- ``iter_full`` reads the whole index from the Power BI export, a JSON array
  sorted by OVO number that keeps nulls and empty values;
- ``iter_changes`` reads the documents changed since a ``changeId`` from the
  search API, scrolling page by page, in the search serialisation that leaves
  out nulls, empty strings and empty arrays.

Only the standard library is used. A registry that cannot be reached, answers
a server error, takes longer than the timeout or loses its scroll raises
``SourceUnavailable``: the run fails, changes nothing and can be run again.
"""

import http.client
import io
import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from sources.streaming import FeedError, SourceUnavailable, iter_json_array

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30
FULL_PATH = "/v1/powerbi/search/organisations"
SEARCH_PATH = "/v1/search/organisations"
SCROLL_PATH = "/v1/search/organisations/scroll"
METADATA_HEADER = "x-search-metadata"


class _WatchedStream:
    """A text stream that remembers its first and last non-blank characters,
    to tell a complete JSON array from one cut off between two documents."""

    def __init__(self, stream):
        self.stream = stream
        self.first = ""
        self.last = ""

    def read(self, size=-1):
        text = self.stream.read(size)
        stripped = text.strip()
        if stripped:
            self.first = self.first or stripped[0]
            self.last = stripped[-1]
        return text


def read_json_array(stream):
    """Yield the documents of a JSON array (or of a bracketless slice of the
    registry's export) on the text ``stream``; an array whose closing bracket
    never comes was cut off, which is a ``FeedError``."""
    watched = _WatchedStream(stream)
    yield from iter_json_array(watched)
    if watched.first == "[" and watched.last != "]":
        raise FeedError("The feed ends before its closing bracket: it was cut off.")


class RegistryClient:
    """Reads organisation documents from the registry at ``base_url``."""

    def __init__(self, base_url, timeout=DEFAULT_TIMEOUT):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        # The highest changeId among the documents read: the next incremental
        # run resumes there (inclusive), since a mass update gives many
        # documents one changeId and a broken scroll may stop amid them.
        self.highest_change_id = None

    def iter_full(self):
        """Every document of the registry, as the export streams them."""
        url = self._url(FULL_PATH)
        with self._open(url) as response:
            yield from self._documents(response, url)

    def iter_changes(self, since_change_id):
        """The documents whose changeId is ``since_change_id`` or higher, in
        changeId order, scrolling until the registry sends an empty page."""
        url = self._url(
            SEARCH_PATH,
            q=f"changeId:[{int(since_change_id)} TO *]",
            sort="changeId,id",
            scroll="true",
        )
        read = 0
        while True:
            with self._open(url, scrolling=read > 0, read=read) as response:
                scroll_id = self._scroll_id(response, url)
                page = 0
                for document in self._documents(response, url):
                    page += 1
                    yield document
            if page == 0:
                return
            read += page
            if not scroll_id:
                raise FeedError(f"The registry sent no scroll id with {url}.")
            url = self._url(SCROLL_PATH, id=scroll_id)

    def _url(self, path, **query):
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote)
        return url

    def _open(self, url, *, scrolling=False, read=0):
        logger.debug("GET %s", url)
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            error.close()
            if scrolling and 400 <= error.code < 500:
                raise SourceUnavailable(
                    f"The registry's scroll expired after {read} documents "
                    f"(HTTP {error.code} for {url}); run the import again."
                ) from None
            if error.code >= 500:
                raise SourceUnavailable(
                    f"The registry answered HTTP {error.code} for {url}."
                ) from None
            raise FeedError(
                f"The registry answered HTTP {error.code} for {url}."
            ) from None
        except (OSError, http.client.HTTPException) as error:
            raise SourceUnavailable(self._failure(url, error)) from None

    def _scroll_id(self, response, url):
        header = response.headers.get(METADATA_HEADER)
        if not header:
            return ""
        try:
            metadata = json.loads(header)
        except json.JSONDecodeError:
            raise FeedError(
                f"The {METADATA_HEADER} header of {url} is not JSON."
            ) from None
        scroll_id = metadata.get("scrollId") if isinstance(metadata, dict) else None
        return scroll_id if isinstance(scroll_id, str) else ""

    def _documents(self, response, url):
        stream = io.TextIOWrapper(response, encoding="utf-8")
        try:
            for document in read_json_array(stream):
                self._track(document)
                yield document
        except UnicodeDecodeError:
            raise FeedError(f"The answer of {url} is not UTF-8.") from None
        except (OSError, http.client.HTTPException) as error:
            raise SourceUnavailable(self._failure(url, error)) from None

    def _track(self, document):
        change_id = document.get("changeId") if isinstance(document, dict) else None
        if type(change_id) is int and (
            self.highest_change_id is None or change_id > self.highest_change_id
        ):
            self.highest_change_id = change_id

    def _failure(self, url, error):
        reason = getattr(error, "reason", error)
        if isinstance(error, TimeoutError) or isinstance(reason, TimeoutError):
            return f"The registry did not answer {url} within {self.timeout} s."
        return (
            f"The registry cannot be read at {url}: {reason or type(error).__name__}."
        )
