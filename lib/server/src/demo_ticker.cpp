#include "demo_ticker.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <random>

#include <boost/asio/steady_timer.hpp>

#include "herald/base/uuid.hpp"
#include "herald/wire/serializer.hpp"

namespace herald::server {

namespace {

constexpr const char* ticker_topic = "urn:herald:demo:ticker";

struct Ticker {
  explicit Ticker(boost::asio::io_context& io, hub::Hub& h) : timer(io), hub(h) {}

  struct Quote {
    const char* symbol;
    double price;
  };
  boost::asio::steady_timer timer;
  hub::Hub& hub;
  std::mt19937 rng{std::random_device{}()};
  std::array<Quote, 5> quotes{
      {{"HRLD", 101.0}, {"ACME", 42.5}, {"GLBX", 230.0}, {"INTC", 31.2}, {"NOVA", 7.8}}};

  void publish_tick() {
    std::normal_distribution<double> step(0.0, 0.004);
    for (Quote& q : quotes) {
      double old = q.price;
      q.price = std::max(0.01, std::round(q.price * (1.0 + step(rng)) * 100.0) / 100.0);
      char json[128];
      std::snprintf(json, sizeof json, R"({"symbol":"%s","price":%.2f,"change":%.2f})", q.symbol,
                    q.price, q.price - old);
      auto update = std::make_shared<hub::Update>();
      update->topics = {ticker_topic};
      update->id = random_urn_uuid();
      wire::serialize(wire::Event{.id = update->id, .type = "price", .data = json}, update->frame);
      hub.publish(std::move(update));
    }
  }

  void schedule(std::shared_ptr<Ticker> self) {
    timer.expires_after(std::chrono::milliseconds(100));
    timer.async_wait([self](boost::system::error_code ec) {
      if (ec) return;
      self->publish_tick();
      self->schedule(self);
    });
  }
};

}  // namespace

void start_demo_ticker(boost::asio::io_context& io, hub::Hub& hub) {
  auto ticker = std::make_shared<Ticker>(io, hub);
  ticker->schedule(ticker);
}

}  // namespace herald::server
