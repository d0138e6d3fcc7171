// What the command line does with paths that are not files to read, through the real executable.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "tests/scenarios/process.hpp"

namespace fs = std::filesystem;
using ntsim::test::run_process;

TEST_CASE("ntsim simulate and convert refuse a named pipe without waiting for a writer", "[scenarios][errors][process]") {
    // Both first ask whether the path is a scenario; that check used to open the pipe and block.
    // `timeout` turns a regression into exit status 124 instead of a hung test.
    const fs::path root = fs::temp_directory_path() / ("ntsim_test_cli_inputs_" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
    const fs::path pipe = root / "model.json";
    REQUIRE(::mkfifo(pipe.c_str(), 0600) == 0);
    const std::vector<std::vector<std::string>> commands = {
        {"simulate", pipe.string()},
        {"convert", pipe.string(), (root / "model.xml").string()},
    };
    for (const auto& command : commands) {
        std::vector<std::string> args{"/usr/bin/timeout", "20", NTSIM_BINARY};
        args.insert(args.end(), command.begin(), command.end());
        const auto finished = run_process(args, root / "ntsim.log");
        INFO(command.front() << ": " << finished.output);
        CHECK(finished.status == 2);
        CHECK(finished.output == "error: " + pipe.string() + ": is not a regular file\n");
    }
    fs::remove_all(root);
}
