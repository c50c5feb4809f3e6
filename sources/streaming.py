"""Reading feeds one document at a time, so memory stays flat however long
the feed is."""

import json

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
