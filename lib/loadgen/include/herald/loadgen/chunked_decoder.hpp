#pragma once
// HTTP/1.1 chunked transfer coding (RFC 9112 section 7.1), decoded incrementally: bytes in
// pieces of any size, the chunks' data out as views into those same bytes (no copy).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace herald::loadgen {

class ChunkedDecoder {
 public:
  enum class Status { more, done, error };

  // Feeds bytes; `on_data(std::string_view)` receives each run of chunk data. Returns done
  // once the last chunk and trailer are through (`used` then counts the bytes that
  // belonged to the body), error on malformed framing.
  template <typename OnData>
  Status feed(std::string_view in, OnData&& on_data, std::size_t* used = nullptr) {
    std::size_t i = 0;
    while (i < in.size() && state_ != State::done && state_ != State::error) {
      if (state_ == State::data) {
        std::size_t n = in.size() - i;
        if (n > remaining_) n = static_cast<std::size_t>(remaining_);
        on_data(in.substr(i, n));
        i += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::data_cr;
        continue;
      }
      step(in[i++]);
    }
    if (used) *used = i;
    if (state_ == State::error) return Status::error;
    return state_ == State::done ? Status::done : Status::more;
  }

  bool done() const { return state_ == State::done; }
  void reset() { *this = ChunkedDecoder{}; }

  // Chunks bigger than this are refused (a corrupt size line, not a real chunk).
  static constexpr std::uint64_t max_chunk_bytes = std::uint64_t{1} << 40;

 private:
  enum class State : std::uint8_t {
    size,       // hex digits
    extension,  // `;name=value` up to the CR
    size_lf,    // the LF ending the size line
    data,       // remaining_ bytes of chunk data
    data_cr,    // CRLF after the data
    data_lf,
    trailer,  // at the start of a trailer line (after the last chunk)
    trailer_line,
    trailer_lf,  // the LF of the blank line ending the body
    done,
    error,
  };
  void step(char c);

  State state_ = State::size;
  bool have_digit_ = false;
  std::uint64_t remaining_ = 0;
};

}  // namespace herald::loadgen
