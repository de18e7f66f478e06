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
# Fed one byte at a time, a chunked body that starts with its last chunk: Beast 1.74 asserted
# on it (fuzz_http_request found it; the reader now never hands Beast fewer than 5 bytes).
(http_out / "last-chunk-first-byte-by-byte").write_bytes(
    b"\x00" + post_te + b"chunked\r\n\r\n0\r\nX-T: t\r\n\r\n")

# fuzz/corpus/h2_session/: the first byte picks the piece size (see fuzz_h2_session.cpp),
# then a client's HTTP/2 bytes, made by this small frame builder. Header blocks use HPACK
# literals without indexing, so no HPACK library is needed.
h2_out = repo / "fuzz" / "corpus" / "h2_session"
h2_out.mkdir(parents=True, exist_ok=True)
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = \
    0, 1, 2, 3, 4, 6, 7, 8, 9
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def h2_frame(kind, flags, stream, payload=b""):
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + \
        stream.to_bytes(4, "big") + payload


def literal(name, value):  # names and values under 127 bytes: one-byte lengths
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value


def request_block(method, path, *fields):
    block = literal(b":method", method) + literal(b":scheme", b"http") + \
        literal(b":path", path) + literal(b":authority", b"localhost")
    return block + b"".join(literal(n, v) for n, v in fields)


def settings(*pairs):
    return h2_frame(SETTINGS, 0, 0, b"".join(k.to_bytes(2, "big") + v.to_bytes(4, "big")
                                              for k, v in pairs))


start = PREFACE + settings((3, 100), (4, 65535))
get_stream = request_block(b"GET", b"/s?topic=x", (b"accept", b"text/event-stream"))
h2_seeds = {
    "get-stream": start + h2_frame(HEADERS, END_STREAM | END_HEADERS, 1, get_stream) +
                  h2_frame(SETTINGS, ACK, 0),
    "get-and-head": start + h2_frame(HEADERS, END_STREAM | END_HEADERS, 1,
                                     request_block(b"GET", b"/healthz")) +
                    h2_frame(HEADERS, END_STREAM | END_HEADERS, 3, request_block(b"HEAD", b"/")),
    "post-data": start + h2_frame(HEADERS, END_HEADERS, 1, request_block(
        b"POST", b"/.well-known/mercure",
        (b"content-type", b"application/x-www-form-urlencoded"))) +
                 h2_frame(DATA, 0, 1, b"topic=x&") + h2_frame(DATA, END_STREAM, 1, b"data=hello"),
    "post-too-long": start + h2_frame(HEADERS, END_HEADERS, 1, request_block(
        b"POST", b"/p", (b"content-length", b"99999"))) + h2_frame(DATA, END_STREAM, 1, b"x"),
    "rst-flood": start + b"".join(
        h2_frame(HEADERS, END_STREAM | END_HEADERS, n, request_block(b"GET", b"/s")) +
        h2_frame(RST_STREAM, 0, n, (8).to_bytes(4, "big")) for n in range(1, 80, 2)),
    "continuation": start + h2_frame(HEADERS, END_STREAM, 1, request_block(b"GET", b"/s")) +
                    h2_frame(CONTINUATION, 0, 1, literal(b"x-a", b"1")) +
                    h2_frame(CONTINUATION, END_HEADERS, 1, literal(b"x-b", b"2")),
    "continuation-flood": start + h2_frame(HEADERS, END_STREAM, 1, request_block(b"GET", b"/")) +
                          h2_frame(CONTINUATION, 0, 1, literal(b"x-f", b"v" * 100)) * 30,
    "ping-settings": start + h2_frame(PING, 0, 0, b"12345678") * 20 +
                     settings((1, 8192), (5, 16384), (6, 1024)) * 10,
    "zero-window": PREFACE + settings((4, 0)) +
                   h2_frame(HEADERS, END_STREAM | END_HEADERS, 1, get_stream) +
                   h2_frame(WINDOW_UPDATE, 0, 1, (5).to_bytes(4, "big")) +
                   h2_frame(WINDOW_UPDATE, 0, 0, (100).to_bytes(4, "big")),
    "priority-empty-data": start + h2_frame(HEADERS, END_HEADERS, 1, request_block(b"POST", b"/p")) +
                           h2_frame(PRIORITY, 0, 3, b"\x00\x00\x00\x01\x10") * 10 +
                           h2_frame(DATA, 0, 1) * 20 + h2_frame(DATA, END_STREAM, 1),
    "goaway": start + h2_frame(HEADERS, END_STREAM | END_HEADERS, 1, get_stream) +
              h2_frame(GOAWAY, 0, 0, (1).to_bytes(4, "big") + (0).to_bytes(4, "big")),
}
for i, (name, data) in enumerate(h2_seeds.items()):
    piece = bytes([(13 * i) % 128])  # a spread of piece sizes
    (h2_out / name).write_bytes(piece + data)

# fuzz/corpus/h2_client_session/: the first byte picks the piece size (see
# fuzz_h2_client_session.cpp), then a server's HTTP/2 bytes answering streams 1, 3 and 5.
h2c_out = repo / "fuzz" / "corpus" / "h2_client_session"
h2c_out.mkdir(parents=True, exist_ok=True)
RESPONSE_HEAD = literal(b":status", b"200") + literal(b"content-type", b"text/event-stream")
server_start = settings((3, 100), (4, 65535)) + h2_frame(SETTINGS, ACK, 0)
h2c_seeds = {
    "streams": server_start + h2_frame(HEADERS, END_HEADERS, 1, RESPONSE_HEAD) +
               h2_frame(HEADERS, END_HEADERS, 3, RESPONSE_HEAD) +
               h2_frame(DATA, 0, 1, b"id: 1\ndata: a\n\n") +
               h2_frame(DATA, 0, 3, b"id: 1\ndata: b\n\n") + h2_frame(DATA, END_STREAM, 1),
    "interim-then-final": server_start +
                          h2_frame(HEADERS, END_HEADERS, 1, literal(b":status", b"103")) +
                          h2_frame(HEADERS, END_HEADERS, 1, RESPONSE_HEAD) +
                          h2_frame(DATA, END_STREAM, 1, b"data: x\n\n"),
    "errors-and-reset": server_start + h2_frame(HEADERS, END_HEADERS | END_STREAM, 1,
                                                literal(b":status", b"404")) +
                        h2_frame(RST_STREAM, 0, 3, (8).to_bytes(4, "big")) +
                        h2_frame(WINDOW_UPDATE, 0, 5, (4096).to_bytes(4, "big")) +
                        h2_frame(HEADERS, END_HEADERS | END_STREAM, 5, RESPONSE_HEAD),
    "continuation-big-head": server_start + h2_frame(HEADERS, 0, 1, RESPONSE_HEAD) +
                             h2_frame(CONTINUATION, 0, 1, literal(b"x-a", b"v" * 120)) * 9 +
                             h2_frame(CONTINUATION, END_HEADERS, 1, literal(b"x-b", b"2")),
    "ping-goaway": server_start + h2_frame(PING, 0, 0, b"12345678") +
                   h2_frame(HEADERS, END_HEADERS, 1, RESPONSE_HEAD) +
                   h2_frame(GOAWAY, 0, 0, (1).to_bytes(4, "big") + (0).to_bytes(4, "big")) +
                   h2_frame(DATA, END_STREAM, 1, b"data: last\n\n"),
    "push-promise": server_start + h2_frame(5, END_HEADERS, 1, (2).to_bytes(4, "big") +
                                            request_block(b"GET", b"/pushed")),
}
for i, (name, data) in enumerate(h2c_seeds.items()):
    piece = bytes([(29 * i) % 128])
    (h2c_out / name).write_bytes(piece + data)

# fuzz/corpus/http_response/: a flags byte (1 keep-alive, 2 HEAD, 4 stream), two status
# bytes, then length-prefixed texts: content type, header count and name/value pairs, the
# content, and for a stream its further chunks (see fuzz_http_response.cpp).
resp_out = repo / "fuzz" / "corpus" / "http_response"
resp_out.mkdir(parents=True, exist_ok=True)


def texts(*parts):
    return b"".join(bytes([len(p)]) + p for p in parts)


resp_seeds = {
    "ok-keep-alive": b"\x01\x00\x00" + texts(b"text/plain; charset=utf-8") + b"\x01" +
                     texts(b"X-Id", b"urn:uuid:1", b"hello\n"),
    "head-close": b"\x02\x00\x00" + texts(b"text/plain") + b"\x00" + texts(b"body ignored"),
    "no-content": b"\x01\x00\x04" + texts(b"") + b"\x00" + texts(b"dropped"),
    "not-modified": b"\x01\x01\x04" + texts(b"") + b"\x00" + texts(b""),
    "unknown-status": b"\x00\x03\x1f" + texts(b"application/json") + b"\x02" +
                      texts(b"Access-Control-Allow-Origin", b"*", b"Vary", b"Origin", b"{}"),
    "stream-chunks": b"\x05\x00\x00" + texts(b"text/event-stream") + b"\x01" +
                     texts(b"Cache-Control", b"no-cache", b"id: 1\ndata: a\n\n",
                           b"data: b\n\n", b":\n"),
    "stream-head": b"\x07\x00\x00" + texts(b"text/event-stream") + b"\x00" + texts(b"x"),
}
for name, data in resp_seeds.items():
    (resp_out / name).write_bytes(data)
