import io
import json

from django.test import SimpleTestCase

from sources.streaming import FeedError, iter_json_array, iter_json_lines


class JsonArrayTests(SimpleTestCase):
    def read(self, text, chunk_size=7):
        return list(iter_json_array(io.StringIO(text), chunk_size=chunk_size))

    def test_reads_an_array_element_by_element_across_chunks(self):
        documents = [{"ovoNumber": f"OVO{n:06d}", "name": "é" * n} for n in range(50)]

        self.assertEqual(self.read(json.dumps(documents)), documents)

    def test_reads_the_registry_stream_without_brackets(self):
        text = '{"a": 1},\n{"b": [1, 2]},\n'

        self.assertEqual(self.read(text), [{"a": 1}, {"b": [1, 2]}])

    def test_empty_array_and_empty_feed_yield_nothing(self):
        self.assertEqual(self.read("[]"), [])
        self.assertEqual(self.read("  \n"), [])

    def test_truncated_feed_is_a_feed_error(self):
        with self.assertRaisesMessage(FeedError, "ends inside a document"):
            self.read('[{"a": 1}, {"b": ')

    def test_memory_holds_one_document_at_a_time(self):
        documents = ({"n": n, "text": "x" * 100} for n in range(2000))
        text = "[" + ",".join(json.dumps(d) for d in documents) + "]"
        stream = io.StringIO(text)
        reader = iter_json_array(stream, chunk_size=1024)

        next(reader)

        self.assertLess(stream.tell(), 3 * 1024)


class JsonLinesTests(SimpleTestCase):
    def test_a_broken_line_is_reported_in_its_place(self):
        lines = list(iter_json_lines(io.StringIO('{"a": 1}\n{"b": \n\n{"c": 3}\n')))

        self.assertEqual(lines[0], {"a": 1})
        self.assertIsInstance(lines[1], json.JSONDecodeError)
        self.assertEqual(lines[2], {"c": 3})
