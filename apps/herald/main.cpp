// herald: one binary, several subcommands.
#include <CLI/CLI.hpp>

#include "bench_command.hpp"
#include "pub_command.hpp"
#include "serve_command.hpp"
#include "sub_command.hpp"
#include "token_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"herald: a Server-Sent Events hub that speaks the Mercure protocol"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "herald 0.1.0");
  herald::app::add_serve_command(app);
  herald::app::add_sub_command(app);
  herald::app::add_pub_command(app);
  herald::app::add_bench_command(app);
  herald::app::add_token_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
