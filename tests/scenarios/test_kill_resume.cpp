// Crash safety with a real process: `ntsim sweep` is killed with SIGKILL at a random point, then
// resumed; the results must equal those of an uninterrupted sweep byte for byte.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const std::string scenario = std::string(NTSIM_SOURCE_DIR) + "/tests/scenarios/data/kill_sweep.json";

pid_t start_sweep(const fs::path& dir, bool resume) {
    const pid_t pid = fork();
    if (pid == 0) {
        std::vector<std::string> args{NTSIM_BINARY, "sweep", scenario, "-o", dir.string(), "--threads", "2", "--quiet"};
        if (resume) args.push_back("--resume");
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const int null = ::open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execv(NTSIM_BINARY, argv.data());
        _exit(127);
    }
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

bool exited_cleanly(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("a sweep killed with SIGKILL and resumed equals an uninterrupted one", "[scenarios][resume][process]") {
    // Reference: the same sweep run start to finish. The kill time is drawn uniformly over the
    // uninterrupted run's duration (seeded from the clock: any point must work).
    const fs::path root = fs::temp_directory_path() / ("ntsim_test_kill_" + std::to_string(::getpid()));
    fs::remove_all(root);
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(exited_cleanly(wait_for(start_sweep(root / "whole", false))));
    const auto full = std::chrono::steady_clock::now() - started;

    std::mt19937_64 rng(static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()));
    const auto kill_after = std::chrono::duration_cast<std::chrono::microseconds>(full) *
                            std::uniform_real_distribution<double>(0.05, 0.95)(rng);
    const pid_t victim = start_sweep(root / "killed", false);
    std::this_thread::sleep_for(kill_after);
    kill(victim, SIGKILL);
    const int status = wait_for(victim);
    INFO("killed after " << kill_after.count() << " us of a " << std::chrono::duration_cast<std::chrono::microseconds>(full).count()
                         << " us sweep; signalled: " << WIFSIGNALED(status));

    REQUIRE(exited_cleanly(wait_for(start_sweep(root / "killed", true))));
    for (const char* file : {"runs.csv", "summary.csv", "trajectories.csv"}) {
        INFO(file);
        REQUIRE(fs::exists(root / "whole" / file));
        CHECK(slurp(root / "whole" / file) == slurp(root / "killed" / file));
    }
    fs::remove_all(root);
}
