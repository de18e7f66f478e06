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
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a subcommand ran: its own exit code
  } catch (const CLI::ParseError& e) {
    // Prints the help or the version (exit 0), or CLI11's message on stderr. CLI11 has a
    // code per kind of mistake (105, 106, ...); docs/CLIENT.md promises 2 for every one.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return 0;
}
