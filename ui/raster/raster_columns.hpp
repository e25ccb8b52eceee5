// Which pixel column of the raster a spike falls in, in whole numbers.
//
// The window of `steps` time steps is spread over `columns` pixel columns;
// column c of the whole run holds the spikes of time index T = step + 1 with
// floor(T * columns / steps) == c. The grid is fixed to time 0, so a spike
// keeps its column while the view scrolls (the view itself moves by whole
// columns), and integer arithmetic gives the same column on the CPU and in
// the shader, whichever way a spike is drawn.
#pragma once

#include <cstdint>

namespace mc::ui {

/// floor(a / b) for b > 0 and any sign of a.
inline std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/// a mod b in [0, b) for b > 0.
inline std::int64_t floorMod(std::int64_t a, std::int64_t b) {
    return a - floorDiv(a, b) * b;
}

struct ColumnMap {
    std::int64_t steps = 1; ///< window length in steps (>= 1)
    std::int64_t columns = 1; ///< plot width in pixels (>= 1)

    /// Column of time index T (a spike of step s has T = s + 1).
    std::int64_t column(std::int64_t t) const { return floorDiv(t * columns, steps); }
    /// First time index of column c.
    std::int64_t firstTime(std::int64_t c) const { return -floorDiv(-c * steps, columns); }
    /// Where time index T lies inside its column: (T * columns) mod steps.
    std::int64_t remainder(std::int64_t t) const { return floorMod(t * columns, steps); }
};

} // namespace mc::ui
