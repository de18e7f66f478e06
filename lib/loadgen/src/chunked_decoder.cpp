#include "herald/loadgen/chunked_decoder.hpp"

#include "herald/base/hex.hpp"

namespace herald::loadgen {

// One byte of framing (never chunk data: feed() hands data runs over in bulk). A bare LF
// is accepted where CRLF is due, as most clients do.
void ChunkedDecoder::step(char c) {
  switch (state_) {
    case State::size: {
      int v = hex_digit_value(c);
      if (v >= 0) {
        remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(v);
        have_digit_ = true;
        if (remaining_ > max_chunk_bytes) state_ = State::error;
      } else if (!have_digit_) {
        state_ = State::error;
      } else if (c == ';' || c == ' ' || c == '\t') {
        state_ = State::extension;
      } else if (c == '\r') {
        state_ = State::size_lf;
      } else if (c == '\n') {
        state_ = remaining_ == 0 ? State::trailer : State::data;
      } else {
        state_ = State::error;
      }
      break;
    }
    case State::extension:
      if (c == '\r') state_ = State::size_lf;
      if (c == '\n') state_ = remaining_ == 0 ? State::trailer : State::data;
      break;
    case State::size_lf:
      state_ = c != '\n' ? State::error : remaining_ == 0 ? State::trailer : State::data;
      break;
    case State::data_cr:
      if (c == '\r') {
        state_ = State::data_lf;
      } else if (c == '\n') {
        state_ = State::size;
        have_digit_ = false;
      } else {
        state_ = State::error;
      }
      break;
    case State::data_lf:
      if (c != '\n') {
        state_ = State::error;
        break;
      }
      state_ = State::size;
      have_digit_ = false;
      break;
    case State::trailer:
      if (c == '\r')
        state_ = State::trailer_lf;
      else if (c == '\n')
        state_ = State::done;
      else
        state_ = State::trailer_line;
      break;
    case State::trailer_line:
      if (c == '\n') state_ = State::trailer;
      break;
    case State::trailer_lf:
      state_ = c == '\n' ? State::done : State::error;
      break;
    case State::data:
    case State::done:
    case State::error:
      break;
  }
}

}  // namespace herald::loadgen
