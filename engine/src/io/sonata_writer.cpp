// Writing SONATA spike reports (see microcircuit/sonata.hpp).
#include "microcircuit/sonata.hpp"

#include "hdf5_handle.hpp"
#include "microcircuit/errors.hpp"

#include <array>

namespace mc {

using detail::H5Handle;

namespace {

constexpr hsize_t kChunk = 1 << 16; // elements per HDF5 chunk

void check(bool ok, const std::string& path, const char* what) {
    if (!ok) throw ConfigError(path + ": cannot be written (" + what + ")");
}

/// A variable-length UTF-8 string attribute, which h5py reads as str.
void writeStringAttribute(hid_t object, const char* name, const char* value, const std::string& path) {
    H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    H5Handle attr(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check(attr.valid() && H5Awrite(attr.get(), type.get(), &value) >= 0, path, name);
}

/// An extendible one-dimensional dataset, chunked, initially empty.
H5Handle createColumn(hid_t group, const char* name, hid_t type, const std::string& path) {
    const hsize_t zero = 0, unlimited = H5S_UNLIMITED;
    H5Handle space(H5Screate_simple(1, &zero, &unlimited), H5Sclose);
    H5Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    H5Pset_chunk(props.get(), 1, &kChunk);
    H5Handle set(H5Dcreate2(group, name, type, space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT), H5Dclose);
    check(set.valid(), path, name);
    return set;
}

/// Appends `n` values of memory type `type` at the end of `set` (length `size`).
void appendColumn(hid_t set, hid_t type, hsize_t size, const void* values, hsize_t n, const std::string& path) {
    const hsize_t newSize = size + n;
    check(H5Dset_extent(set, &newSize) >= 0, path, "extent");
    H5Handle file(H5Dget_space(set), H5Sclose);
    H5Sselect_hyperslab(file.get(), H5S_SELECT_SET, &size, nullptr, &n, nullptr);
    H5Handle memory(H5Screate_simple(1, &n, nullptr), H5Sclose);
    check(H5Dwrite(set, type, memory.get(), file.get(), H5P_DEFAULT, values) >= 0, path, "data");
}

} // namespace

bool sonataAvailable() {
    return true;
}

struct SonataSpikeWriter::Impl {
    std::string path;
    std::vector<std::int32_t> firstNeuron;
    std::int64_t stepMicros = 100;
    H5Handle file;
    std::vector<H5Handle> groups, nodeIds, timestamps;
    std::vector<hsize_t> sizes;
    std::vector<std::uint64_t> idBuffer;
    std::vector<double> timeBuffer;
};

SonataSpikeWriter::SonataSpikeWriter(const std::string& path, const std::vector<std::string>& populations,
                                     const std::vector<std::int32_t>& firstNeuron, std::int64_t stepMicros)
    : m_impl(std::make_unique<Impl>()) {
    detail::quietHdf5();
    Impl& m = *m_impl;
    m.path = path;
    m.firstNeuron = firstNeuron;
    m.stepMicros = stepMicros;
    if (firstNeuron.size() != populations.size() + 1) throw InternalError("SonataSpikeWriter: population table size");
    m.file = H5Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    check(m.file.valid(), path, "folder missing or not writable");
    // The SONATA file signature and format version, as the specification asks.
    {
        const std::uint32_t magic = 0x0A7A;
        const std::array<std::uint32_t, 2> version{0, 1};
        H5Handle scalar(H5Screate(H5S_SCALAR), H5Sclose);
        H5Handle a(H5Acreate2(m.file.get(), "magic", H5T_STD_U32LE, scalar.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
        check(a.valid() && H5Awrite(a.get(), H5T_NATIVE_UINT32, &magic) >= 0, path, "magic");
        const hsize_t two = 2;
        H5Handle pair(H5Screate_simple(1, &two, nullptr), H5Sclose);
        H5Handle v(H5Acreate2(m.file.get(), "version", H5T_STD_U32LE, pair.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
        check(v.valid() && H5Awrite(v.get(), H5T_NATIVE_UINT32, version.data()) >= 0, path, "version");
    }
    H5Handle spikes(H5Gcreate2(m.file.get(), "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    check(spikes.valid(), path, "/spikes");
    for (const std::string& name : populations) {
        H5Handle group(H5Gcreate2(spikes.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
        check(group.valid(), path, name.c_str());
        writeStringAttribute(group.get(), "sorting", "by_time", path);
        m.nodeIds.push_back(createColumn(group.get(), "node_ids", H5T_STD_U64LE, path));
        m.timestamps.push_back(createColumn(group.get(), "timestamps", H5T_IEEE_F64LE, path));
        writeStringAttribute(m.timestamps.back().get(), "units", "ms", path);
        m.groups.push_back(std::move(group));
        m.sizes.push_back(0);
    }
    H5Fflush(m.file.get(), H5F_SCOPE_GLOBAL);
}

SonataSpikeWriter::~SonataSpikeWriter() {
    try {
        close();
    } catch (...) {
        // A destructor must not throw; close() reports errors when called directly.
    }
}

void SonataSpikeWriter::append(std::span<const Spike> spikes) {
    Impl& m = *m_impl;
    if (!m.file.valid()) return;
    for (std::size_t p = 0; p < m.groups.size(); ++p) {
        m.idBuffer.clear();
        m.timeBuffer.clear();
        const std::int32_t lo = m.firstNeuron[p], hi = m.firstNeuron[p + 1];
        for (const Spike& s : spikes) {
            if (s.neuron < lo || s.neuron >= hi) continue;
            m.idBuffer.push_back(static_cast<std::uint64_t>(s.neuron - lo));
            // The same value as NEST's "%.3f" text: an exact number of microseconds.
            m.timeBuffer.push_back(static_cast<double>((std::int64_t{s.step} + 1) * m.stepMicros) / 1000.0);
        }
        if (m.idBuffer.empty()) continue;
        const hsize_t n = m.idBuffer.size();
        appendColumn(m.nodeIds[p].get(), H5T_NATIVE_UINT64, m.sizes[p], m.idBuffer.data(), n, m.path);
        appendColumn(m.timestamps[p].get(), H5T_NATIVE_DOUBLE, m.sizes[p], m.timeBuffer.data(), n, m.path);
        m.sizes[p] += n;
    }
    check(H5Fflush(m.file.get(), H5F_SCOPE_GLOBAL) >= 0, m.path, "flush");
}

void SonataSpikeWriter::close() {
    Impl& m = *m_impl;
    if (!m.file.valid()) return;
    m.nodeIds.clear();
    m.timestamps.clear();
    m.groups.clear();
    const herr_t status = H5Fclose(m.file.release());
    check(status >= 0, m.path, "close");
}

} // namespace mc
