// Binary, checksummed, append-only records of finished runs. Layout of one record:
//   u32 magic | u64 payload bytes | payload | u64 FNV-1a of the payload
// Payload: run, status, message, solver statistics, last dose time, metrics per observable,
// sampled times, observable values and species states. Native byte order: stores are merged on
// machines of one architecture (a cluster), not exchanged across architectures.
#include "scenarios/run_store.hpp"

#include <cstring>

#include <fmt/format.h>

namespace ntsim::scenarios {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t record_magic = 0x4e545352;  // "NTSR"
constexpr std::uint64_t max_payload = std::uint64_t{1} << 34;  // 16 GiB: anything larger is corruption

std::uint64_t fnv1a(const std::string& bytes) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

class Writer {
public:
    template <class T> void put(const T& v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof v); }
    void put_doubles(const std::vector<double>& v) {
        put<std::uint64_t>(v.size());
        bytes.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
    }
    void put_string(const std::string& s) {
        put<std::uint64_t>(s.size());
        bytes += s;
    }
    std::string bytes;
};

class Reader {
public:
    explicit Reader(const std::string& bytes) : bytes_(bytes) {}
    template <class T> T get() {
        T v;
        need(sizeof v);
        std::memcpy(&v, bytes_.data() + pos_, sizeof v);
        pos_ += sizeof v;
        return v;
    }
    std::vector<double> get_doubles() {
        const auto n = get<std::uint64_t>();
        need(n * sizeof(double));
        std::vector<double> v(n);
        // An empty vector's data() may be null, and memcpy from or to null is undefined even
        // for zero bytes (UBSan reports it).
        if (n) std::memcpy(v.data(), bytes_.data() + pos_, n * sizeof(double));
        pos_ += n * sizeof(double);
        return v;
    }
    std::string get_string() {
        const auto n = get<std::uint64_t>();
        need(n);
        std::string s = bytes_.substr(pos_, n);
        pos_ += n;
        return s;
    }

private:
    void need(std::uint64_t n) const {
        if (n > bytes_.size() - pos_) throw std::runtime_error("run store: truncated record");
    }
    const std::string& bytes_;
    std::size_t pos_ = 0;
};

}  // namespace

std::string encode_run(const RunOutcome& o) {
    Writer w;
    w.put<std::uint64_t>(o.run);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(o.status));
    w.put_string(o.message);
    for (long v : {o.stats.steps, o.stats.rhs_evaluations, o.stats.jacobian_evaluations, o.stats.linear_setups,
                   o.stats.error_test_failures, o.stats.convergence_failures})
        w.put<std::int64_t>(v);
    w.put<double>(o.last_dose_s);
    w.put<std::uint64_t>(o.metrics.size());
    for (const auto& m : o.metrics) {
        w.put_doubles({m.peak, m.time_to_peak_s, m.auc, m.final_value});
        w.put_doubles(m.value_at);
    }
    w.put_doubles(o.times_s);
    w.put_doubles(o.values);
    w.put_doubles(o.states);
    return w.bytes;
}

RunOutcome decode_run(const std::string& bytes) {
    Reader r(bytes);
    RunOutcome o;
    o.run = r.get<std::uint64_t>();
    const auto status = r.get<std::uint8_t>();
    if (status > static_cast<std::uint8_t>(RunStatus::solver_error)) throw std::runtime_error("run store: unknown run status");
    o.status = static_cast<RunStatus>(status);
    o.message = r.get_string();
    for (long* v : {&o.stats.steps, &o.stats.rhs_evaluations, &o.stats.jacobian_evaluations, &o.stats.linear_setups,
                    &o.stats.error_test_failures, &o.stats.convergence_failures})
        *v = r.get<std::int64_t>();
    o.last_dose_s = r.get<double>();
    const auto n = r.get<std::uint64_t>();
    if (n > (std::uint64_t{1} << 24)) throw std::runtime_error("run store: implausible observable count");
    for (std::uint64_t i = 0; i < n; ++i) {
        const auto core = r.get_doubles();
        if (core.size() != 4) throw std::runtime_error("run store: malformed metrics");
        ObservableMetrics m{core[0], core[1], core[2], core[3], r.get_doubles()};
        o.metrics.push_back(std::move(m));
    }
    o.times_s = r.get_doubles();
    o.values = r.get_doubles();
    o.states = r.get_doubles();
    return o;
}

fs::path RunStore::file_in(const fs::path& directory) { return directory / "runs.store"; }

RunStore::RunStore(const fs::path& directory) : path_(file_in(directory)) {
    if (!fs::exists(path_)) std::ofstream(path_, std::ios::binary).flush();
    index_existing();
    writer_.open(path_, std::ios::binary | std::ios::app);
    if (!writer_) throw std::runtime_error(fmt::format("cannot write '{}'", path_.string()));
    reader_.open(path_, std::ios::binary);
}

void RunStore::index_existing() {
    std::ifstream in(path_, std::ios::binary);
    std::uint64_t offset = 0, valid_end = 0;
    for (;;) {
        std::uint32_t magic = 0;
        std::uint64_t size = 0;
        if (!in.read(reinterpret_cast<char*>(&magic), sizeof magic)) break;
        if (magic != record_magic || !in.read(reinterpret_cast<char*>(&size), sizeof size) || size > max_payload) break;
        std::string payload(size, '\0');
        std::uint64_t checksum = 0;
        if (!in.read(payload.data(), static_cast<std::streamsize>(size)) ||
            !in.read(reinterpret_cast<char*>(&checksum), sizeof checksum) || checksum != fnv1a(payload))
            break;
        const auto run = Reader(payload).get<std::uint64_t>();
        if (run >= offsets_.size()) offsets_.resize(run + 1, absent);
        if (offsets_[run] == absent) ++count_;
        offsets_[run] = offset;
        offset += sizeof magic + sizeof size + size + sizeof checksum;
        valid_end = offset;
    }
    in.close();
    // A crash mid-write leaves a partial record: cut it so new records follow the last good one.
    if (fs::file_size(path_) != valid_end) fs::resize_file(path_, valid_end);
}

void RunStore::append(const std::vector<RunOutcome>& finished) {
    for (const auto& o : finished) {
        const std::string payload = encode_run(o);
        const auto offset = static_cast<std::uint64_t>(writer_.tellp());
        const std::uint64_t size = payload.size(), checksum = fnv1a(payload);
        writer_.write(reinterpret_cast<const char*>(&record_magic), sizeof record_magic);
        writer_.write(reinterpret_cast<const char*>(&size), sizeof size);
        writer_.write(payload.data(), static_cast<std::streamsize>(size));
        writer_.write(reinterpret_cast<const char*>(&checksum), sizeof checksum);
        if (o.run >= offsets_.size()) offsets_.resize(o.run + 1, absent);
        if (offsets_[o.run] == absent) ++count_;
        offsets_[o.run] = offset;
    }
    writer_.flush();
    if (!writer_) throw std::runtime_error(fmt::format("writing '{}' failed (disk full?)", path_.string()));
}

RunOutcome RunStore::read(std::size_t run) const {
    if (!has(run)) throw std::runtime_error(fmt::format("run store '{}' has no run {}", path_.string(), run));
    reader_.clear();
    reader_.seekg(static_cast<std::streamoff>(offsets_[run]));
    std::uint32_t magic = 0;
    std::uint64_t size = 0, checksum = 0;
    reader_.read(reinterpret_cast<char*>(&magic), sizeof magic);
    reader_.read(reinterpret_cast<char*>(&size), sizeof size);
    if (!reader_ || magic != record_magic || size > max_payload)
        throw std::runtime_error(fmt::format("run store '{}': corrupt record for run {}", path_.string(), run));
    std::string payload(size, '\0');
    reader_.read(payload.data(), static_cast<std::streamsize>(size));
    reader_.read(reinterpret_cast<char*>(&checksum), sizeof checksum);
    if (!reader_ || checksum != fnv1a(payload))
        throw std::runtime_error(fmt::format("run store '{}': corrupt record for run {}", path_.string(), run));
    return decode_run(payload);
}

std::size_t RunStore::absorb(const RunStore& other) {
    std::size_t added = 0;
    std::vector<RunOutcome> batch;
    for (std::size_t run = 0; run < other.offsets_.size(); ++run) {
        if (!other.has(run) || has(run)) continue;
        batch.push_back(other.read(run));
        ++added;
        if (batch.size() == 256) {
            append(batch);
            batch.clear();
        }
    }
    append(batch);
    return added;
}

}  // namespace ntsim::scenarios
