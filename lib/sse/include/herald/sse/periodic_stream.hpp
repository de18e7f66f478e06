#pragma once
// Feeds a stream an event every `period` until the stream closes: the hub's clock demo and
// its dashboard's metrics stream are both this. `io` must be the stream's shard
// (`server.context(sink->shard())`): every call on a sink happens on its shard.
#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "herald/http/stream_sink.hpp"
#include "herald/wire/event.hpp"

namespace herald::sse {

void stream_periodically(std::shared_ptr<http::StreamSink> sink, boost::asio::io_context& io,
                         std::chrono::milliseconds period, std::function<wire::Event()> next);

}  // namespace herald::sse
