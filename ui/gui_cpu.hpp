// Where the GUI thread's CPU time goes (issue 19). Parts of its work add the
// thread's CPU time they took (CLOCK_THREAD_CPUTIME_ID: on a loaded machine
// wall time would count the time the thread waited for a core) to running
// totals, which `microcircuit gui --perf-log` reports per second and per
// raster frame (ui/speed_run.cpp). A scope costs two clock reads.
#pragma once

#include <array>

class QObject;

namespace mc::ui::guicpu {

enum class Part {
    RasterFrame,   ///< a frame of the raster's surface, swap included
    RasterClear,   ///< of it: the surface's clear
    RasterRing,    ///< of it: the ring's new columns (spikes, cleared columns)
    RasterCopy,    ///< of it: the ring copied into the plot
    RasterOverlay, ///< of it: axes, labels and markers painted with QPainter
    RasterSwap,    ///< of it: swapBuffers (where llvmpipe rasterises what was queued)
    WindowPaint,   ///< the main window's widgets repainted and flushed to the screen
    ChartsPaint,   ///< of it: the four charts' views
    ChartsData,    ///< the charts' data refreshed (statistics, series)
    Drain,         ///< spikes taken from the engine into the store
    Status,        ///< the status bar's texts
    Health,        ///< the health check's statistics of the last seconds' spikes (ui/activity/)
    Count
};
inline constexpr int kParts = static_cast<int>(Part::Count);

/// The calling thread's CPU time (s).
double threadSeconds();
/// CPU seconds added per part so far (only the GUI thread adds).
std::array<double, kParts> totals();
void add(Part part, double seconds);
/// JSON key of a part, e.g. "raster_overlay".
const char* name(Part part);
/// With MC_RASTER_PROFILE=1 the raster finishes each part of a frame on the
/// CPU before the next (glFinish), so that the parts are not all billed to
/// the swap, where llvmpipe otherwise does the deferred work. Slower; for profiles only.
bool rasterProfile();
/// Counts the repaints of top-level widget `window` (WindowPaint), until destroyed.
QObject* meterWindowPaint(QObject* window);

class Scope {
  public:
    explicit Scope(Part part) : m_part(part), m_start(threadSeconds()) {}
    ~Scope() { add(m_part, threadSeconds() - m_start); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

  private:
    Part m_part;
    double m_start;
};

} // namespace mc::ui::guicpu
