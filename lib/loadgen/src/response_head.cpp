#include "herald/loadgen/response_head.hpp"

#include <charconv>

#include "herald/base/strings.hpp"

namespace herald::loadgen {

namespace {

bool icontains(std::string_view text, std::string_view word) {
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
    if (iequals(text.substr(i, word.size()), word)) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

void ResponseHead::reset(bool keep_capacity) {
  if (keep_capacity) {
    buffer_.clear();
  } else {
    std::string().swap(buffer_);
  }
  status_ = 0;
  chunked_ = false;
  close_ = false;
  content_length_.reset();
}

ResponseHead::Status ResponseHead::feed(std::string_view bytes, std::size_t& used) {
  used = 0;
  while (used < bytes.size()) {
    std::size_t before = buffer_.size();
    std::string_view rest = bytes.substr(used);
    std::size_t room = max_head_bytes - before;
    buffer_.append(rest.substr(0, room));
    // The blank line may straddle the previous feed: search from a little before it.
    std::size_t from = before >= 3 ? before - 3 : 0;
    std::size_t end = buffer_.find("\r\n\r\n", from);
    std::size_t terminator = 4;
    if (end == std::string::npos) {
      end = buffer_.find("\n\n", before >= 1 ? before - 1 : 0);
      terminator = 2;
    }
    if (end == std::string::npos) {
      if (buffer_.size() >= max_head_bytes) return Status::error;
      used = bytes.size();
      return Status::more;
    }
    std::size_t head_bytes = end + terminator;
    used += head_bytes - before;
    if (!parse(std::string_view(buffer_).substr(0, head_bytes))) return Status::error;
    if (status_ >= 100 && status_ < 200) {  // interim: the real head follows
      reset(true);
      continue;
    }
    return Status::done;
  }
  return Status::more;
}

bool ResponseHead::parse(std::string_view head) {
  std::size_t eol = head.find('\n');
  std::string_view line = trim(head.substr(0, eol));
  // HTTP/1.x NNN reason
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1.") return false;
  close_ = line[7] == '0';
  auto [p, ec] = std::from_chars(line.data() + 9, line.data() + 12, status_);
  if (ec != std::errc() || p != line.data() + 12 || line[8] != ' ') return false;
  head.remove_prefix(eol + 1);
  while (!head.empty()) {
    eol = head.find('\n');
    line = head.substr(0, eol);
    head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + 1);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // the blank line, or junk we ignore
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "transfer-encoding")) {
      chunked_ = icontains(value, "chunked");
    } else if (iequals(name, "content-length")) {
      std::uint64_t n = 0;
      auto [q, e] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (e != std::errc() || q != value.data() + value.size()) return false;
      content_length_ = n;
    } else if (iequals(name, "connection")) {
      if (icontains(value, "close")) close_ = true;
      if (icontains(value, "keep-alive")) close_ = false;
    }
  }
  return true;
}

}  // namespace herald::loadgen
