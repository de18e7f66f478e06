#pragma once
// An HTTP/1.1 response head (status line and header fields), gathered as bytes arrive.
// Only what a load generator needs is kept: the status and how the body is framed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::loadgen {

class ResponseHead {
 public:
  enum class Status { more, done, error };
  static constexpr std::size_t max_head_bytes = 16 * 1024;

  // Feeds bytes; on done, `used` is how many of them belonged to the head (the rest is
  // body). Interim 1xx responses are skipped.
  Status feed(std::string_view bytes, std::size_t& used);

  int status() const { return status_; }
  bool chunked() const { return chunked_; }
  std::optional<std::uint64_t> content_length() const { return content_length_; }
  bool closes() const { return close_; }  // `Connection: close` (or HTTP/1.0)

  // Ready for the next response; keep_capacity = false also frees the buffer (an idle
  // subscriber should not keep it).
  void reset(bool keep_capacity);

 private:
  bool parse(std::string_view head);

  std::string buffer_;
  int status_ = 0;
  bool chunked_ = false;
  bool close_ = false;
  std::optional<std::uint64_t> content_length_;
};

}  // namespace herald::loadgen
