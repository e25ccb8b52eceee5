// The five numbers of a box plot (quartiles by linear interpolation between
// order statistics, whiskers as matplotlib's: the most extreme data within
// 1.5 IQR of the box), found with nth_element in O(n) instead of a sort.
// Qt-free so the tests can compare it with the sorted definition.
#pragma once

#include <vector>

namespace mc::ui {

struct BoxSummary {
    double lowerWhisker = 0.0, q1 = 0.0, median = 0.0, q3 = 0.0, upperWhisker = 0.0;
    bool operator==(const BoxSummary&) const = default;
};

/// Reorders `values` (the caller's scratch copy). All zeros when empty.
BoxSummary boxSummary(std::vector<float>& values);

} // namespace mc::ui
