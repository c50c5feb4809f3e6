"""Reading feeds one document at a time, so memory stays flat however long
the feed is."""

import http.client
import io
import json
import urllib.error
import urllib.parse
import urllib.request

CHUNK_SIZE = 64 * 1024
# A document larger than this is not a document of any of our feeds.
MAX_DOCUMENT_CHARACTERS = 64 * 1024 * 1024


class FeedError(Exception):
    """The feed itself cannot be read on: the run fails and changes nothing."""


def iter_json_array(stream, *, chunk_size=CHUNK_SIZE):
    """Yield the elements of the JSON array on the text ``stream`` one by one.

    Also reads the registry's streamed export when it arrives without its
    brackets (elements separated by commas, as in a slice of the stream).
    """
    decoder = json.JSONDecoder()
    buffer = ""
    position = 0
    started = False
    exhausted = False

    while True:
        # Skip separators between elements.
        while True:
            while position < len(buffer) and buffer[position] in " \t\r\n,":
                position += 1
            if position < len(buffer) or exhausted:
                break
            buffer, position = buffer[position:] + stream.read(chunk_size), 0
            exhausted = position >= len(buffer)
        if position >= len(buffer):
            return
        if not started:
            started = True
            if buffer[position] == "[":
                position += 1
                continue
        if buffer[position] == "]":
            return

        try:
            element, end = decoder.raw_decode(buffer, position)
        except json.JSONDecodeError as error:
            if exhausted:
                raise FeedError(
                    f"The feed ends inside a document: {error.msg}."
                ) from None
            if len(buffer) - position > MAX_DOCUMENT_CHARACTERS:
                raise FeedError("A document is larger than 64 MB.") from None
            chunk = stream.read(chunk_size)
            exhausted = not chunk
            buffer, position = buffer[position:] + chunk, 0
            continue
        yield element
        position = end
        if position > chunk_size:
            buffer, position = buffer[position:], 0


def iter_json_lines(stream):
    """Yield one parsed document per non-empty line; a line that is not JSON
    yields the ``json.JSONDecodeError`` in its place, for the engine to
    reject that line alone."""
    for line in stream:
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as error:
                yield error


# Reading a JSON-lines feed from a file or over HTTP --------------------------

HTTP_TIMEOUT_SECONDS = 30


class SourceUnavailable(FeedError):
    """The source did not answer (a 5xx, a timeout, a refused connection):
    a transient failure, worth trying again later."""


def read_json_lines(*, url=None, file=None, timeout=HTTP_TIMEOUT_SECONDS):
    """The documents of the JSON-lines feed at ``url`` or in ``file``, one by
    one.

    Nothing is opened before the first document is asked for, so that a
    failure to reach the source fails the import run that reads it. A line
    that is not JSON is yielded as its error (see ``iter_json_lines``).
    """
    if (url is None) == (file is None):
        raise ValueError("Read a feed from either a URL or a file.")
    if url is not None:
        return _read_url(url, timeout)
    return _read_file(file)


def _read_file(path):
    try:
        stream = open(path, encoding="utf-8")  # noqa: SIM115 -- closed below
    except OSError as error:
        raise FeedError(f"Cannot open {path}: {error.strerror}.") from error
    with stream:
        try:
            yield from iter_json_lines(_complete_lines(stream, path))
        except UnicodeDecodeError as error:
            raise FeedError(f"{path} is not UTF-8: {error.reason}.") from error


def _read_url(url, timeout):
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FeedError(f"{url} is not an HTTP(S) URL.")
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            raise SourceUnavailable(
                f"{url} answered {error.code} {error.reason}."
            ) from error
        raise FeedError(f"{url} answered {error.code} {error.reason}.") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SourceUnavailable(f"{url} cannot be reached: {reason}.") from error
    with response:
        try:
            lines = io.TextIOWrapper(response, encoding="utf-8")
            yield from iter_json_lines(_complete_lines(lines, url))
        except UnicodeDecodeError as error:
            raise FeedError(f"{url} is not UTF-8: {error.reason}.") from error
        except (TimeoutError, OSError, http.client.HTTPException) as error:
            raise SourceUnavailable(
                f"{url} stopped sending before the end of the feed: {error}."
            ) from error


def _complete_lines(lines, location):
    """The lines of a feed, each ending in a newline: a last line without
    one means the feed was cut off, and the run fails."""
    for line in lines:
        if not line.endswith("\n"):
            raise FeedError(f"The feed {location} ends inside a line.")
        yield line
