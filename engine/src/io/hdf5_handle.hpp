// Small helpers over HDF5's C API for the SONATA reader and writer: an owning
// handle and quiet error reporting (failures become ConfigError messages,
// HDF5 itself prints nothing).
#pragma once

#include <hdf5.h>

#include <string>
#include <utility>

namespace mc::detail {

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class H5Handle {
  public:
    H5Handle() = default;
    H5Handle(hid_t id, herr_t (*closer)(hid_t)) : m_id(id), m_closer(closer) {}
    H5Handle(H5Handle&& o) noexcept : m_id(std::exchange(o.m_id, H5I_INVALID_HID)), m_closer(o.m_closer) {}
    H5Handle& operator=(H5Handle&& o) noexcept {
        if (this != &o) {
            reset();
            m_id = std::exchange(o.m_id, H5I_INVALID_HID);
            m_closer = o.m_closer;
        }
        return *this;
    }
    ~H5Handle() { reset(); }
    void reset() {
        if (m_id >= 0 && m_closer) m_closer(m_id);
        m_id = H5I_INVALID_HID;
    }
    /// Gives up ownership without closing.
    hid_t release() { return std::exchange(m_id, H5I_INVALID_HID); }
    hid_t get() const { return m_id; }
    bool valid() const { return m_id >= 0; }

  private:
    hid_t m_id = H5I_INVALID_HID;
    herr_t (*m_closer)(hid_t) = nullptr;
};

/// Turns off HDF5's printing of error stacks (once per process).
inline void quietHdf5() {
    static const bool done = [] {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        return true;
    }();
    (void)done;
}

} // namespace mc::detail
