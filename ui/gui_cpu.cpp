#include "ui/gui_cpu.hpp"

#include <QEvent>
#include <QObject>

#include <cstdlib>
#include <cstring>
#include <ctime>

namespace mc::ui::guicpu {
namespace {

std::array<double, kParts> g_totals{}; // GUI thread only

/// Times the handling of the window's UpdateRequest (Qt's repaint of the
/// dirty widgets and the flush of the backing store) by handling it itself.
class PaintMeter : public QObject {
  public:
    using QObject::QObject;
    bool eventFilter(QObject* watched, QEvent* e) override {
        if (e->type() != QEvent::UpdateRequest) return false;
        const Scope scope(Part::WindowPaint);
        return watched->event(e);
    }
};

} // namespace

double threadSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::array<double, kParts> totals() {
    return g_totals;
}

void add(Part part, double seconds) {
    g_totals[static_cast<int>(part)] += seconds;
}

const char* name(Part part) {
    static const char* names[kParts] = {"raster_frame",   "raster_clear", "raster_ring",  "raster_copy",
                                        "raster_overlay", "raster_swap",  "window_paint", "charts_paint",
                                        "charts_data",    "drain",        "status",       "health"};
    return names[static_cast<int>(part)];
}

bool rasterProfile() {
    static const bool on = [] {
        const char* v = std::getenv("MC_RASTER_PROFILE");
        return v && std::strcmp(v, "0") != 0 && *v;
    }();
    return on;
}

QObject* meterWindowPaint(QObject* window) {
    auto* meter = new PaintMeter(window);
    window->installEventFilter(meter);
    return meter;
}

} // namespace mc::ui::guicpu
