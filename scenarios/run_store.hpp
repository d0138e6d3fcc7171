// The run store: every finished run of a sweep is appended to DIR/runs.store as one checksummed
// binary record and flushed, so an interrupted sweep loses at most the runs in flight. Result
// tables are derived from the store at the end; a resumed sweep or a set of shards are merged by
// reading their stores. Records hold doubles bit for bit, so derived files are byte-identical
// whether a sweep ran at once, was resumed, or was split into shards.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scenarios/runner.hpp"

namespace ntsim::scenarios {

// One run as the payload of a store record, and back; also how MPI ranks ship finished runs to
// rank 0, so a run arrives bit for bit as it would have been stored locally.
std::string encode_run(const RunOutcome& outcome);
RunOutcome decode_run(const std::string& payload);  // throws if malformed

class RunStore {
public:
    // Opens DIR/runs.store for appending. A partial record at the end (a crash mid-write) is cut
    // off; every complete record is indexed.
    explicit RunStore(const std::filesystem::path& directory);

    void append(const std::vector<RunOutcome>& finished);  // written and flushed before returning

    bool has(std::size_t run) const { return run < offsets_.size() && offsets_[run] != absent; }
    std::size_t count() const { return count_; }
    RunOutcome read(std::size_t run) const;                // throws if absent or corrupt

    // Records of another store (a shard) copied into this one; returns how many were new.
    std::size_t absorb(const RunStore& other);

    static std::filesystem::path file_in(const std::filesystem::path& directory);

private:
    static constexpr std::uint64_t absent = ~std::uint64_t{0};
    void index_existing();

    std::filesystem::path path_;
    std::vector<std::uint64_t> offsets_;     // by run index
    std::size_t count_ = 0;
    mutable std::ifstream reader_;
    std::ofstream writer_;
};

}  // namespace ntsim::scenarios
