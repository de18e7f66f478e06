#!/usr/bin/env python3
"""Regenerates fuzz/corpus/sse_parser/ from the conformance vectors.

One seed per vector (its exact bytes), plus a few streams in the serializer's output form
and a few inputs shaped for the round-trip half of fuzz_sse_parser.cpp (Event fields
separated by 0xFF: data, id, type, comment, retry).
Usage: scripts/gen-fuzz-seeds.py [path/to/sse-vectors.json]
"""
import json
import pathlib
import re
import sys

repo = pathlib.Path(__file__).resolve().parent.parent
vectors_path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else \
    repo.parent / "shared" / "conformance" / "sse-vectors.json"
out = repo / "fuzz" / "corpus" / "sse_parser"
out.mkdir(parents=True, exist_ok=True)

for i, v in enumerate(json.loads(vectors_path.read_text())["vectors"]):
    slug = re.sub(r"[^a-z0-9]+", "-", v["name"].lower()).strip("-")[:48]
    (out / f"vector-{i:02d}-{slug}").write_bytes(bytes.fromhex(v["input_hex"]))

serialized = {
    "serializer-mercure": b"id: urn:uuid:5a1c0e4e-3f1b-4c38-9c7e-0d6f5e1b2a44\n"
                          b"event: update\ndata: {\"@id\":\"/books/1\",\"title\":\"x\"}\n\n",
    "serializer-multiline": b":hello\n:world\nid: 7\nretry: 3000\ndata: a\ndata:\ndata:  b\n\n",
    "serializer-empty-data": b"data:\n\n:keep-alive\nid:\ndata: \xe2\x82\xac\xf0\x9f\x98\x80\n\n",
    "roundtrip-fields": b"line1\r\nline2\rline3\n\xffurn:uuid:1\xff type\xffcomment\xff123",
    "roundtrip-bad-id": b"data\xffa\nb\xffok",
}
for name, data in serialized.items():
    (out / name).write_bytes(data)
