// Wire-format micro-benchmarks: parser throughput on Mercure-like events (the client and
// `herald bench` parse every byte a hub sends), the parser's worst case of one byte per
// read, and serializer throughput (the hub serializes each published event once).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "herald/wire/parser.hpp"
#include "herald/wire/serializer.hpp"

namespace {

using herald::wire::Event;
using herald::wire::Parser;
using herald::wire::ParserCallbacks;
using herald::wire::ReceivedEvent;

constexpr std::size_t read_size = 16 * 1024;  // a typical socket read

// `size` bytes of JSON-ish payload; `non_ascii` mixes in 2- and 3-byte characters, which
// take the parser's UTF-8 validation path.
std::string payload(std::size_t size, bool non_ascii) {
  const std::string unit = non_ascii ? "{\"t\":\"caf\xC3\xA9 \xE2\x82\xAC\"}" : "{\"k\":\"value\"}";
  std::string out;
  while (out.size() < size)
    out += unit;
  out.resize(size);
  if (non_ascii) {
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
      out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  }
  return out;
}

Event mercure_event(std::size_t n, std::size_t data_size, bool non_ascii) {
  char id[64];
  std::snprintf(id, sizeof id, "urn:uuid:5a1c0e4e-3f1b-4c38-9c7e-%012zx", n);
  return Event{.id = id, .type = "", .data = payload(data_size, non_ascii)};
}

// About 1 MiB of serialized Mercure-like events.
std::string mercure_stream(std::size_t data_size, bool non_ascii) {
  std::string stream;
  for (std::size_t n = 0; stream.size() < (1u << 20); ++n) {
    herald::wire::serialize(mercure_event(n, data_size, non_ascii), stream);
  }
  return stream;
}

void parse_in_reads(benchmark::State& state, const std::string& stream, std::size_t read) {
  std::size_t events = 0;
  Parser parser(ParserCallbacks{[&](const ReceivedEvent& e) {
    benchmark::DoNotOptimize(e.data.data());
    ++events;
  }});
  const std::string_view bytes = stream;
  for (auto _ : state) {
    for (std::size_t at = 0; at < bytes.size(); at += read)
      parser.feed(bytes.substr(at, read));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}

// Arg: data bytes per event.
void BM_WireParse(benchmark::State& state) {
  const std::string stream = mercure_stream(static_cast<std::size_t>(state.range(0)), false);
  parse_in_reads(state, stream, read_size);
}
BENCHMARK(BM_WireParse)->Arg(64)->Arg(1024);

void BM_WireParseNonAscii(benchmark::State& state) {
  const std::string stream = mercure_stream(static_cast<std::size_t>(state.range(0)), true);
  parse_in_reads(state, stream, read_size);
}
BENCHMARK(BM_WireParseNonAscii)->Arg(64)->Arg(1024);

void BM_WireParseOneByteReads(benchmark::State& state) {
  std::string stream = mercure_stream(64, false);
  stream.resize(64 * 1024);  // a partial last event is fine: the parser keeps it pending
  parse_in_reads(state, stream, 1);
}
BENCHMARK(BM_WireParseOneByteReads);

// Arg: data bytes per event. Serializes into one reused buffer, as the hub does per event.
void BM_WireSerialize(benchmark::State& state) {
  const Event event = mercure_event(1, static_cast<std::size_t>(state.range(0)), false);
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    herald::wire::serialize(event, out);
    benchmark::DoNotOptimize(out.data());
    bytes += out.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WireSerialize)->Arg(64)->Arg(1024);

// Multi-line data (a pretty-printed JSON document): one `data:` line per source line.
void BM_WireSerializeMultiLine(benchmark::State& state) {
  std::string data;
  while (data.size() < 1024)
    data += "  \"field\": \"some value\",\n";
  const Event event{.id = "urn:uuid:1", .type = "update", .data = data};
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    herald::wire::serialize(event, out);
    benchmark::DoNotOptimize(out.data());
    bytes += out.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WireSerializeMultiLine);

}  // namespace
