#pragma once
// The stock-ticker publisher that --dev runs for the demo: random-walk prices every 100 ms.
#include <boost/asio/io_context.hpp>

#include "herald/hub/hub.hpp"

namespace herald::server {

// Starts publishing on `io` until it stops.
void start_demo_ticker(boost::asio::io_context& io, hub::Hub& hub);

}  // namespace herald::server
