// The sans-I/O response codec: the exact bytes of each kind of answer, and when the
// connection goes on after it.
#include "response_writer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace herald::http {
namespace {

Response plain(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.headers = {{"X-Id", "7"}};
  return response;
}

TEST(ResponseWriter, AnswersWithHeadAndContentAndKeepsTheConnection) {
  ResponseWriter writer;
  writer.start(true, false);
  EXPECT_EQ(writer.answer(plain(200, "hello")),
            "HTTP/1.1 200 OK\r\nServer: herald\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 5\r\nX-Id: 7\r\n\r\nhello");
  EXPECT_TRUE(writer.keep_alive());
}

TEST(ResponseWriter, ClosesWhenTheClientDoesNotKeepAlive) {
  ResponseWriter writer;
  writer.start(false, false);
  EXPECT_EQ(writer.answer(plain(404, "no")),
            "HTTP/1.1 404 Not Found\r\nServer: herald\r\nContent-Type: text/plain; "
            "charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\nX-Id: 7\r\n\r\nno");
  EXPECT_FALSE(writer.keep_alive());
}

TEST(ResponseWriter, ClosesAfterTheAnswerWhenTheServerShutsDown) {
  ResponseWriter writer;
  writer.start(true, false);
  writer.close_after_answer();
  EXPECT_NE(writer.answer(plain(200, "x")).find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_FALSE(writer.keep_alive());
}

TEST(ResponseWriter, AHeadAnswerAnnouncesTheLengthButCarriesNoContent) {
  ResponseWriter writer;
  writer.start(true, true);
  EXPECT_EQ(writer.answer(plain(200, "hello")),
            "HTTP/1.1 200 OK\r\nServer: herald\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 5\r\nX-Id: 7\r\n\r\n");
}

TEST(ResponseWriter, NoContentStatusesHaveNeitherLengthNorContent) {
  ResponseWriter writer;
  writer.start(true, false);
  Response response = plain(204, "ignored");
  response.content_type.clear();
  EXPECT_EQ(writer.answer(response),
            "HTTP/1.1 204 No Content\r\nServer: herald\r\nX-Id: 7\r\n\r\n");
  response.status = 304;
  EXPECT_EQ(writer.answer(response),
            "HTTP/1.1 304 Not Modified\r\nServer: herald\r\nX-Id: 7\r\n\r\n");
}

TEST(ResponseWriter, AFailedRequestIsAnsweredWithItsReasonAndCloses) {
  ResponseWriter writer;
  writer.start(true, true);  // whatever the previous request was
  writer.start_failed();
  Response response = Response::text(400, "bad");
  EXPECT_EQ(writer.answer(response),
            "HTTP/1.1 400 Bad Request\r\nServer: herald\r\nContent-Type: text/plain; "
            "charset=utf-8\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbad\n");
}

TEST(ResponseWriter, AStreamHeadIsChunkedAndNeverAnnouncesClose) {
  ResponseWriter writer;
  writer.start(false, false);
  EXPECT_EQ(writer.stream_head("text/event-stream", {{"Cache-Control", "no-cache"}}),
            "HTTP/1.1 200 OK\r\nServer: herald\r\nContent-Type: text/event-stream\r\n"
            "Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n");
}

TEST(ResponseWriter, AStreamHeadForHeadIsTheWholeAnswerAndFollowsKeepAlive) {
  ResponseWriter writer;
  writer.start(true, true);
  EXPECT_EQ(writer.stream_head("text/event-stream", {}),
            "HTTP/1.1 200 OK\r\nServer: herald\r\nContent-Type: text/event-stream\r\n"
            "Transfer-Encoding: chunked\r\n\r\n");
  writer.start(false, true);
  EXPECT_EQ(writer.stream_head("text/event-stream", {}),
            "HTTP/1.1 200 OK\r\nServer: herald\r\nContent-Type: text/event-stream\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
}

TEST(ResponseWriter, ChunkHeadsAreLowerCaseHexSizes) {
  std::array<char, ResponseWriter::chunk_head_capacity> buffer;
  EXPECT_EQ(ResponseWriter::chunk_head(1, buffer), "1\r\n");
  EXPECT_EQ(ResponseWriter::chunk_head(0x3fa, buffer), "3fa\r\n");
  EXPECT_EQ(ResponseWriter::chunk_head(SIZE_MAX, buffer), "ffffffffffffffff\r\n");
  EXPECT_EQ(ResponseWriter::chunk_end, "\r\n");
  EXPECT_EQ(ResponseWriter::last_chunk, "0\r\n\r\n");
}

}  // namespace
}  // namespace herald::http
