#include "ui/session.hpp"

namespace mc::ui {

double markerMs(const TimedEvent& e) { return e.kind == TimedEvent::Kind::Set ? e.t_ms : e.start_ms; }

double stimulusEndMs(const TimedEvent& e, const Config& c) {
    switch (e.kind) {
    case TimedEvent::Kind::ThalamicPulse:
        return e.start_ms + c.stim.th_duration;
    case TimedEvent::Kind::DcTransient:
        return e.start_ms + e.duration_ms;
    default:
        return markerMs(e);
    }
}

} // namespace mc::ui
