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

# fuzz/corpus/http_request/: the first byte picks the piece size the bytes are fed in
# (see fuzz_http_request.cpp), then requests: plain, pipelined, chunked, and the attacks
# lib/http refuses (never-ending chunk extension or trailer, smuggling framings).
http_out = repo / "fuzz" / "corpus" / "http_request"
http_out.mkdir(parents=True, exist_ok=True)
post_te = b"POST /.well-known/mercure HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
http_seeds = {
    "get": b"GET /.well-known/mercure?topic=x HTTP/1.1\r\nHost: h\r\n\r\n",
    "pipelined": b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nHEAD /b HTTP/1.1\r\nHost: h\r\n\r\n"
                 b"POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc",
    "chunked": post_te + b"chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n",
    "expect-continue": b"POST /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                       b"Content-Length: 2\r\n\r\nok",
    "absolute-form": b"GET http://h:8080/.well-known/mercure?topic=x HTTP/1.1\r\nHost: h\r\n\r\n",
    "endless-extension": post_te + b"chunked\r\n\r\n7;" + b"e" * 1500,
    "endless-trailer": post_te + b"chunked\r\n\r\n1\r\na\r\n0\r\nX-T: " + b"t" * 1500,
    "many-extensions": post_te + b"chunked\r\n\r\n" + (b"1;" + b"e" * 200 + b"\r\na\r\n") * 40,
    "smuggle-gzip": post_te + b"gzip\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n",
    "smuggle-identity": post_te + b"chunked, identity\r\n\r\n0\r\n\r\nGET /s HTTP/1.1\r\n\r\n",
    "smuggle-te-cl": post_te + b"chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\nGET /s HTTP/1.1\r\n\r\n",
    "many-headers": b"GET / HTTP/1.1\r\n" + b"X-H: vvvvvvvvvvvvvvvvvvvv\r\n" * 60 + b"\r\n",
}
for i, (name, data) in enumerate(http_seeds.items()):
    piece = bytes([(7 * i) % 64])  # a spread of piece sizes
    (http_out / name).write_bytes(piece + data)
