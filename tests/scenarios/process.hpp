// Helpers for tests that drive the real ntsim executable (and mpirun) as separate processes and
// compare the results directories they write.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ntsim::test {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Finished {
    int status = -1;     // exit status; -1 if the process did not exit normally
    std::string output;  // standard output and standard error, interleaved
};

// Runs `args` to completion with its output captured in `log`. Open MPI is allowed to run as root
// (as in CI containers) and to start more ranks than there are cores; other programs ignore this.
inline Finished run_process(const std::vector<std::string>& args, const fs::path& log) {
    const pid_t pid = fork();
    if (pid == 0) {
        setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
        setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
        setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 1);
        std::vector<std::string> copy = args;
        std::vector<char*> argv;
        for (auto& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(log)};
}

// The complete records of a run store by run index, each as its bytes on disk (header, payload,
// checksum). Parsed here rather than through RunStore so the comparison is of raw bytes.
inline std::map<std::uint64_t, std::string> store_records(const fs::path& file) {
    const std::string bytes = slurp(file);
    std::map<std::uint64_t, std::string> records;
    constexpr std::size_t header = sizeof(std::uint32_t) + sizeof(std::uint64_t), trailer = sizeof(std::uint64_t);
    for (std::size_t at = 0; at + header <= bytes.size();) {
        std::uint64_t payload = 0, run = 0;
        std::memcpy(&payload, bytes.data() + at + sizeof(std::uint32_t), sizeof payload);
        if (payload > bytes.size() - at - header || bytes.size() - at - header - payload < trailer) break;
        std::memcpy(&run, bytes.data() + at + header, sizeof run);
        records[run] = bytes.substr(at, header + payload + trailer);
        at += header + payload + trailer;
    }
    return records;
}

// The files in which two results directories differ: every file byte for byte, except runs.store,
// whose records are compared byte for byte but not their order (it is a journal in the order runs
// finished, like a resumed sweep's).
inline std::vector<std::string> differing_files(const fs::path& a, const fs::path& b) {
    std::set<std::string> names;
    for (const auto* dir : {&a, &b})
        for (const auto& entry : fs::directory_iterator(*dir)) names.insert(entry.path().filename().string());
    std::vector<std::string> differing;
    for (const auto& name : names) {
        const bool same = name == "runs.store" ? store_records(a / name) == store_records(b / name)
                                               : fs::exists(a / name) && fs::exists(b / name) && slurp(a / name) == slurp(b / name);
        if (!same) differing.push_back(name);
    }
    return differing;
}

}  // namespace ntsim::test
